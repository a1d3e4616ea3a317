/**
 * Materialized scaled dot-product attention, the component {@code attention: standard}: computes every
 * query-key probability, keeps them for a hand-written backward pass, and handles causal masks, right
 * padding, grouped-query heads and decoding against a key/value cache.
 */
module dev.quire.attention.standard {
    requires transitive dev.quire.api;

    exports dev.quire.attention.standard;

    provides dev.quire.api.ComponentProvider with dev.quire.attention.standard.StandardAttentionProvider;
}
