package dev.quire.attention.flash;

/**
 * Options of {@code attention: flash}: the tile sizes. They change speed and the size of the per-thread
 * scratch buffers, never the results beyond float32 rounding (the online softmax rescales partial sums
 * in a different order for different tiles).
 *
 * <p>The defaults, 64 queries by 64 keys, keep every tile of one head (queries, scores, probabilities,
 * their gradients) within the L1 and L2 caches for head widths up to 128, and make the query tile a
 * whole number of vectors (4 × 16 floats with AVX-512, 8 × 8 with AVX2). A query tile that is not a
 * multiple of the vector width works, padded to the next multiple internally.
 *
 * @param queryTile query rows per tile, {@code 1..1024}
 * @param keyTile   keys per tile, {@code 1..1024}
 */
public record FlashAttentionOptions(int queryTile, int keyTile) {

    /** Largest tile side accepted. */
    public static final int MAX_TILE = 1024;

    /** The defaults: {@code queryTile = 64, keyTile = 64}. */
    public static final FlashAttentionOptions DEFAULTS = new FlashAttentionOptions(64, 64);

    /**
     * @throws IllegalArgumentException naming the option and the allowed range
     */
    public FlashAttentionOptions {
        if (queryTile < 1 || queryTile > MAX_TILE) {
            throw new IllegalArgumentException("attention flash: queryTile must be in [1, " + MAX_TILE + "], got " + queryTile);
        }
        if (keyTile < 1 || keyTile > MAX_TILE) {
            throw new IllegalArgumentException("attention flash: keyTile must be in [1, " + MAX_TILE + "], got " + keyTile);
        }
    }
}
