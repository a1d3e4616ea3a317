package dev.quire.api;

import dev.quire.tensor.Tensor;
import java.util.Arrays;

/**
 * The sizes of one {@link Attention#forward} call, checked against the SPI's shape rules, so every
 * implementation rejects the same inputs with the same messages.
 *
 * @param batch   {@code B}
 * @param heads   query heads {@code H}
 * @param kvHeads key/value heads {@code Hkv}, a divisor of {@code H}
 * @param queries {@code Tq}
 * @param keys    {@code Tk}
 * @param headDim {@code D}
 */
public record AttentionShape(int batch, int heads, int kvHeads, int queries, int keys, int headDim) {

    /**
     * Checks {@code q [B, H, Tq, D]}, {@code k, v [B, Hkv, Tk, D]} and the mask's key lengths.
     *
     * @throws IllegalArgumentException naming the shapes that do not fit, and how
     */
    public static AttentionShape of(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException("attention: q, k, v must be [B, H, T, D], got q "
                    + shape(q) + ", k " + shape(k) + ", v " + shape(v));
        }
        if (!Arrays.equals(k.shape(), v.shape())) {
            throw new IllegalArgumentException("attention: k " + shape(k) + " and v " + shape(v)
                    + " must have the same shape");
        }
        int batch = q.dim(0);
        int heads = q.dim(1);
        int kvHeads = k.dim(1);
        if (k.dim(0) != batch || k.dim(3) != q.dim(3)) {
            throw new IllegalArgumentException("attention: q " + shape(q) + " and k " + shape(k)
                    + " must agree on batch (axis 0) and head width (axis 3)");
        }
        if (kvHeads == 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention: query heads (" + heads
                    + ") must be a multiple of key/value heads (" + kvHeads + "); q " + shape(q) + ", k " + shape(k));
        }
        if (mask == null) {
            throw new IllegalArgumentException("attention: mask must not be null (use AttentionMask.NONE)");
        }
        int keys = k.dim(2);
        int[] keyLengths = mask.keyLengths();
        if (keyLengths != null) {
            if (keyLengths.length != batch) {
                throw new IllegalArgumentException("attention: mask has " + keyLengths.length
                        + " key lengths for a batch of " + batch);
            }
            for (int b = 0; b < batch; b++) {
                if (keyLengths[b] > keys) {
                    throw new IllegalArgumentException("attention: key length " + keyLengths[b] + " of batch element "
                            + b + " exceeds the " + keys + " keys of k " + shape(k));
                }
            }
        }
        return new AttentionShape(batch, heads, kvHeads, q.dim(2), keys, q.dim(3));
    }

    /** Query heads per key/value head, {@code H / Hkv}. */
    public int group() {
        return heads / kvHeads;
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
