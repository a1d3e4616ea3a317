/**
 * FlashAttention on the CPU, the component {@code attention: flash}: queries and keys/values in tiles,
 * an online softmax (running maximum and sum per query), never the {@code T × T} matrix of scores, and
 * a backward pass that recomputes each tile from the saved log-sum-exp (FlashAttention-2). Extra memory
 * per call is a few tiles per thread, not {@code B·H·T²}; numbers agree with
 * {@code attention: standard} to float32 rounding. Causal masks, right padding, grouped-query heads and
 * decoding against a key/value cache, as the {@link dev.quire.api.Attention} SPI describes.
 */
module dev.quire.attention.flash {
    requires transitive dev.quire.api;
    requires jdk.incubator.vector;

    exports dev.quire.attention.flash;

    provides dev.quire.api.ComponentProvider with dev.quire.attention.flash.FlashAttentionProvider;
}
