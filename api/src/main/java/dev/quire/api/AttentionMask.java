package dev.quire.api;

/**
 * Which keys each query may see.
 *
 * <p>With queries {@code [B, H, Tq, D]} and keys {@code [B, Hkv, Tk, D]}, query {@code i} sits at
 * absolute position {@code Tk - Tq + i} (queries are the last {@code Tq} positions, which covers
 * decoding against a key/value cache). When {@code causal}, it sees keys {@code j <= Tk - Tq + i}.
 * When {@code keyLengths} is not null, batch element {@code b} sees only keys
 * {@code j < keyLengths[b]} (right padding). A query that sees no key at all yields zeros.
 *
 * @param causal     whether queries are blind to later positions
 * @param keyLengths per batch element, the number of valid keys, or null when all are valid
 */
public record AttentionMask(boolean causal, int[] keyLengths) {

    /** Every query sees every key. */
    public static final AttentionMask NONE = new AttentionMask(false, null);
    /** Causal attention without padding. */
    public static final AttentionMask CAUSAL = new AttentionMask(true, null);

    public AttentionMask {
        if (keyLengths != null) {
            keyLengths = keyLengths.clone();
            for (int length : keyLengths) {
                if (length < 0) {
                    throw new IllegalArgumentException("key length must be >= 0, got " + length);
                }
            }
        }
    }

    /** A copy of the per-batch key lengths, or null. */
    @Override
    public int[] keyLengths() {
        return keyLengths == null ? null : keyLengths.clone();
    }
}
