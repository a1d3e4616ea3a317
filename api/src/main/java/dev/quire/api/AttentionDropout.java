package dev.quire.api;

/**
 * Dropout on the attention probabilities, as in PyTorch's
 * {@code scaled_dot_product_attention(..., dropout_p=rate)}: with {@code P} the softmax of the masked,
 * scaled scores and {@code M} a 0/1 keep mask, the output is {@code (P ∘ M / (1 − rate)) · V}. The
 * log-sum-exp that {@link Attention#forward} returns is still that of the undropped scores.
 *
 * <p><b>The mask is a pure function of the seed and the indices</b>, defined here and part of the
 * contract: every implementation drops exactly the same elements (so that swapping implementations
 * never changes numbers), and a tiled implementation can regenerate any part of the mask in its
 * backward pass without storing it. Element (batch {@code b}, query head {@code h}, query row
 * {@code i}, key column {@code j}), with {@code i} the row in the {@code [Tq, Tk]} score matrix
 * ({@code 0 <= i < Tq}, not the absolute position) and {@code h} the query head (not the key/value
 * head), is kept when {@link #keeps(int, int, int, int)} says so:
 * <pre>
 *   mix(z)  = SplitMix64's finalizer (Stafford's variant 13):
 *             z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L
 *             z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL
 *             return z ^ (z >>> 31)
 *   G       = 0x9E3779B97F4A7C15L   (SplitMix64's increment)
 *   row     = mix(mix(mix(seed + G·(b + 1)) + G·(h + 1)) + G·(i + 1))      {@link #rowKey(int, int, int)}
 *   x       = mix(row + G·(j + 1))                                           (SplitMix64's j-th output from row)
 *   u       = (x >>> 11) · 2⁻⁵³                                             a uniform double in [0, 1)
 *   keeps   = u >= rate                                                    {@link #keeps(long, int)}
 * </pre>
 * all in 64-bit two's-complement arithmetic (Java {@code long}, indices widened from {@code int}).
 * The comparison is exact: it is evaluated as {@code (x >>> 11) >= ceil(rate · 2⁵³)}. Equivalently,
 * with the JDK's {@link java.util.SplittableRandom} (which is SplitMix64): the row key is the
 * {@code (i+1)}-th {@code nextLong()} of a generator seeded with the {@code (h+1)}-th {@code nextLong()}
 * of one seeded with the {@code (b+1)}-th {@code nextLong()} of {@code new SplittableRandom(seed)}, and
 * element j is kept when the {@code (j+1)}-th {@code nextDouble()} of {@code new SplittableRandom(row)}
 * is at least {@code rate}. So an element is
 * kept with probability {@code 1 − rate} (to within 2⁻⁵³), independently of the others. Changing this
 * function changes every result computed with dropout; it may only change in a new major version.
 *
 * <p>Kept probabilities are multiplied by {@link #keepScale()}, {@code (float) (1 / (1 − rate))}.
 * A rate of 0 is no dropout at all: implementations take their undropped path and give results
 * identical, bit for bit, to {@link Attention#forward(dev.quire.tensor.Tensor, dev.quire.tensor.Tensor,
 * dev.quire.tensor.Tensor, AttentionMask)}. Dropout belongs to training; a caller passes {@link #NONE}
 * in evaluation and generation, and a new seed for every step (and every layer) of training.
 *
 * @param rate the probability that an element is dropped, in {@code [0, 1)}
 * @param seed the seed of the mask; the same seed gives the same mask
 */
public record AttentionDropout(double rate, long seed) {

    /** No dropout (rate 0). */
    public static final AttentionDropout NONE = new AttentionDropout(0, 0);

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    /**
     * @throws IllegalArgumentException when {@code rate} is not in {@code [0, 1)} (NaN included)
     */
    public AttentionDropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("attention dropout rate must be in [0, 1), got " + rate);
        }
    }

    /** Whether any element can be dropped: {@code rate > 0}. */
    public boolean active() {
        return rate > 0;
    }

    /** The factor applied to kept probabilities: {@code (float) (1 / (1 − rate))}; 1 at rate 0. */
    public float keepScale() {
        return (float) (1.0 / (1.0 - rate));
    }

    /**
     * Whether element (b, h, i, j) is kept: {@code keeps(rowKey(b, h, i), j)}. See the class comment for
     * the exact function.
     *
     * @param b batch element
     * @param h query head
     * @param i query row, {@code 0 <= i < Tq}
     * @param j key column, {@code 0 <= j < Tk}
     */
    public boolean keeps(int b, int h, int i, int j) {
        return keeps(rowKey(b, h, i), j);
    }

    /**
     * The key of one row of the mask, {@code mix(mix(mix(seed + G·(b + 1)) + G·(h + 1)) + G·(i + 1))}:
     * computed once per row, then {@link #keeps(long, int)} per key column.
     */
    public long rowKey(int b, int h, int i) {
        long z = mix(seed + GAMMA * (b + 1L));
        z = mix(z + GAMMA * (h + 1L));
        return mix(z + GAMMA * (i + 1L));
    }

    /**
     * Whether key column {@code j} of the row whose {@link #rowKey} is {@code rowKey} is kept:
     * {@code (mix(rowKey + G·(j + 1)) >>> 11) >= ceil(rate · 2⁵³)}.
     */
    public boolean keeps(long rowKey, int j) {
        return (mix(rowKey + GAMMA * (j + 1L)) >>> 11) >= threshold();
    }

    /** {@code ceil(rate · 2⁵³)}: exact, since multiplying by a power of two does not round. */
    private long threshold() {
        return (long) Math.ceil(rate * 0x1p53);
    }

    /** SplitMix64's finalizer (Stafford's variant 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
