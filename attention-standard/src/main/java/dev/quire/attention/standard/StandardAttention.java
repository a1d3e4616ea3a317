package dev.quire.attention.standard;

import dev.quire.api.Attention;
import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionShape;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Arena;
import dev.quire.tensor.MatMul;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.Arrays;

/**
 * Scaled dot-product attention that materializes the probabilities:
 * {@code P = softmax(Q·Kᵀ / sqrt(D) + mask)}, {@code O = P·V}, one {@code [Tq, Tk]} matrix per
 * (batch, head). It keeps {@code P} for the backward pass, so memory grows with {@code B·H·Tq·Tk};
 * that is the price of simplicity, and for the contexts of small models (a few hundred positions)
 * it is small next to the activations of the rest of the network.
 *
 * <p>The backward pass is one custom operation (not a chain of tensor ops), with the textbook
 * formulas:
 * <pre>
 *   dV = Pᵀ·dO                      [Tk, D]
 *   dP = dO·Vᵀ                      [Tq, Tk]
 *   dS = P ∘ (dP − rowsum(dO ∘ O))  [Tq, Tk]   (softmax backward; rowsum(dO∘O) = rowsum(P∘dP))
 *   dQ = dS·K · scale               [Tq, D]
 *   dK = dSᵀ·Q · scale              [Tk, D]
 * </pre>
 *
 * <p>Masks: every mask the SPI can express lets query {@code i} see a prefix of the keys,
 * {@code j < visible(b, i)}, so a row is softmaxed over that prefix and zero after it. A query that
 * sees no key gets a zero row, a zero output and a log-sum-exp of {@code -Infinity}, and passes no
 * gradient.
 *
 * <p>Dropout ({@link #forward(Tensor, Tensor, Tensor, AttentionMask, AttentionDropout)} with a rate
 * above 0): {@code P} is kept as is (the log-sum-exp and the softmax backward need it) and beside it the
 * dropped probabilities {@code P̃ = P ∘ M / (1 − rate)}, a second {@code [B, H, Tq, Tk]} array, with
 * {@code M} the mask that {@link AttentionDropout#keeps} defines. Then {@code O = P̃·V} and
 * <pre>
 *   dV = P̃ᵀ·dO
 *   dP̃ = dO·Vᵀ,  dP = dP̃ ∘ M / (1 − rate)
 *   dS = P ∘ (dP − rowsum(dO ∘ O)) = P̃ ∘ dP̃ − P ∘ rowsum(dO ∘ O)
 * </pre>
 * ({@code rowsum(P∘dP) = rowsum(dO∘O)} still, since {@code O = P̃·V}); dQ and dK as above. At rate 0 it
 * is the undropped path above, unchanged.
 *
 * <p>Parallel over (batch, head) with {@link Parallel#forRange}; every chunk writes disjoint rows, so
 * results do not depend on the number of threads. Thread-safe: it holds no state.
 */
public final class StandardAttention implements Attention {

    /** Creates the (stateless) attention. */
    public StandardAttention() {
    }

    @Override
    public AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        return compute(q, k, v, mask, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>At rate 0 this is {@link #forward(Tensor, Tensor, Tensor, AttentionMask)}; above, it keeps a
     * second {@code [B, H, Tq, Tk]} array (the dropped probabilities) for the backward pass.
     */
    @Override
    public AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask, AttentionDropout dropout) {
        if (dropout == null) {
            throw new IllegalArgumentException("attention: dropout must not be null (use AttentionDropout.NONE)");
        }
        return compute(q, k, v, mask, dropout.active() ? dropout : null);
    }

    /** Forward, with {@code dropout} null for none. */
    private static AttentionResult compute(Tensor q, Tensor k, Tensor v, AttentionMask mask, AttentionDropout dropout) {
        Dims d = Dims.of(q, k, v, mask);
        float scale = (float) (1.0 / Math.sqrt(d.headDim));
        int[] visible = visibleKeys(d, mask);

        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        // Results and what the backward pass keeps come from the caller's arena when one is active (a
        // training step then reuses the arrays of the step before); every element is written below.
        float[] probs = Arena.resultArray(d.scoreCount());            // P   [B, H, Tq, Tk]
        float[] out = Arena.resultArray(d.queryCount());              // O   [B, H, Tq, D]
        float[] lse = Arena.resultArray(d.batch * d.heads * d.queries); // [B, H, Tq]
        // P̃ = P ∘ M / (1 − rate)  [B, H, Tq, Tk], or P itself without dropout.
        float[] dropped = dropout == null ? probs : Arena.resultArray(d.scoreCount());
        float keepScale = dropout == null ? 1f : dropout.keepScale();

        Parallel.forRange(d.batch * d.heads, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / d.heads;
                int h = bh % d.heads;
                int qOff = d.queryOffset(b, h);
                int kvOff = d.keyOffset(b, h / d.group);
                int pOff = d.scoreOffset(b, h);
                // S = Q·Kᵀ  [Tq, D]·[Tk, D]ᵀ -> [Tq, Tk], written where P will live.
                MatMul.nt(qd, qOff, kd, kvOff, probs, pOff, d.queries, d.headDim, d.keys, false);
                for (int i = 0; i < d.queries; i++) {
                    int row = pOff + i * d.keys;
                    int seen = visible[b * d.queries + i];
                    lse[bh * d.queries + i] = softmaxRow(probs, row, d.keys, seen, scale);
                    if (dropout != null) {
                        long key = dropout.rowKey(b, h, i);
                        for (int j = 0; j < seen; j++) {
                            dropped[row + j] = dropout.keeps(key, j) ? probs[row + j] * keepScale : 0f;
                        }
                        Arrays.fill(dropped, row + seen, row + d.keys, 0f); // masked: P̃ = 0 (array is reused)
                    }
                }
                // O = P̃·V  [Tq, Tk]·[Tk, D] -> [Tq, D]; masked and dropped entries of P̃ are zero.
                MatMul.nn(dropped, pOff, vd, kvOff, out, qOff, d.queries, d.keys, d.headDim, false);
            }
        });

        Tensor output = Tensor.fromOp(out, q.shape(), new Tensor[] {q, k, v},
                gradOut -> backward(d, scale, q, k, v, probs, dropped, out, gradOut));
        Tensor logSumExp = Tensor.of(lse, d.batch, d.heads, d.queries);
        return new AttentionResult(output, logSumExp);
    }

    /**
     * Turns the raw scores {@code row[0, Tk)} into probabilities in place: scaled, softmaxed over the
     * first {@code visible} keys, zero after them. Returns the natural-log log-sum-exp of the scaled
     * visible scores ({@code -Infinity} when none is visible).
     */
    private static float softmaxRow(float[] row, int off, int keys, int visible, float scale) {
        if (visible == 0) {
            Arrays.fill(row, off, off + keys, 0f);
            return Float.NEGATIVE_INFINITY;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            row[off + j] *= scale;
            max = Math.max(max, row[off + j]);
        }
        // Summing in double keeps the log-sum-exp accurate to float rounding for long rows.
        double sum = 0;
        for (int j = 0; j < visible; j++) {
            float e = (float) Math.exp(row[off + j] - max);
            row[off + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < visible; j++) {
            row[off + j] *= inv;
        }
        Arrays.fill(row, off + visible, off + keys, 0f);
        return (float) (max + Math.log(sum));
    }

    /**
     * Adds the gradients of q, k and v given {@code dO = gradOut}; {@code dropped} is P̃, the dropped
     * probabilities, or {@code probs} itself without dropout.
     */
    private static void backward(Dims d, float scale, Tensor q, Tensor k, Tensor v,
                                 float[] probs, float[] dropped, float[] out, float[] gradOut) {
        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        // Allocate the gradient arrays here, once, never concurrently inside the parallel loops.
        float[] dq = q.requiresGrad() ? q.gradForAccumulation() : null;
        float[] dk = k.requiresGrad() ? k.gradForAccumulation() : null;
        float[] dv = v.requiresGrad() ? v.gradForAccumulation() : null;
        // dS · scale  [B, H, Tq, Tk]: a temporary of this pass (every block is overwritten by its dP first),
        // recycled through the thread's pool instead of becoming garbage of B·H·Tq·Tk floats per layer.
        float[] dScores = Arena.scratch(probs.length, false);

        // Pass 1, per query head: dS and dQ. Query heads own disjoint rows of dQ.
        Parallel.forRange(d.batch * d.heads, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / d.heads;
                int h = bh % d.heads;
                int qOff = d.queryOffset(b, h);
                int kvOff = d.keyOffset(b, h / d.group);
                int pOff = d.scoreOffset(b, h);
                // dP = dO·Vᵀ  [Tq, D]·[Tk, D]ᵀ -> [Tq, Tk]
                MatMul.nt(gradOut, qOff, vd, kvOff, dScores, pOff, d.queries, d.headDim, d.keys, false);
                for (int i = 0; i < d.queries; i++) {
                    int o = qOff + i * d.headDim;
                    float rowDot = 0f; // rowsum(dO ∘ O)
                    for (int c = 0; c < d.headDim; c++) {
                        rowDot += gradOut[o + c] * out[o + c];
                    }
                    int r = pOff + i * d.keys;
                    if (dropped == probs) {
                        for (int j = 0; j < d.keys; j++) {
                            dScores[r + j] = probs[r + j] * (dScores[r + j] - rowDot) * scale;
                        }
                    } else {
                        // dS = P̃ ∘ dP̃ − P ∘ rowsum(dO ∘ O)
                        for (int j = 0; j < d.keys; j++) {
                            dScores[r + j] = (dropped[r + j] * dScores[r + j] - probs[r + j] * rowDot) * scale;
                        }
                    }
                }
                if (dq != null) {
                    // dQ += dS·K  [Tq, Tk]·[Tk, D] -> [Tq, D]
                    MatMul.nn(dScores, pOff, kd, kvOff, dq, qOff, d.queries, d.keys, d.headDim, true);
                }
            }
        });

        if (dk != null || dv != null) {
            keyValueGradients(d, qd, gradOut, dropped, dScores, dk, dv);
        }
        Arena.releaseScratch(dScores);
    }

    /** Pass 2 of the backward pass: dK and dV from dS and P̃. */
    private static void keyValueGradients(Dims d, float[] qd, float[] gradOut, float[] dropped, float[] dScores,
                                          float[] dk, float[] dv) {
        // Pass 2, per key/value head: the query heads of a group add into the same dK, dV rows, so one
        // task owns a whole group and adds its heads in a fixed order (deterministic, no races).
        Parallel.forRange(d.batch * d.kvHeads, (from, to) -> {
            for (int bg = from; bg < to; bg++) {
                int b = bg / d.kvHeads;
                int g = bg % d.kvHeads;
                int kvOff = d.keyOffset(b, g);
                for (int h = g * d.group; h < (g + 1) * d.group; h++) {
                    int qOff = d.queryOffset(b, h);
                    int pOff = d.scoreOffset(b, h);
                    if (dv != null) {
                        // dV += P̃ᵀ·dO  [Tq, Tk]ᵀ·[Tq, D] -> [Tk, D]
                        MatMul.tn(dropped, pOff, gradOut, qOff, dv, kvOff, d.keys, d.queries, d.headDim, true);
                    }
                    if (dk != null) {
                        // dK += dSᵀ·Q  [Tq, Tk]ᵀ·[Tq, D] -> [Tk, D]
                        MatMul.tn(dScores, pOff, qd, qOff, dk, kvOff, d.keys, d.queries, d.headDim, true);
                    }
                }
            }
        });
    }

    /** Per (batch, query), how many leading keys the query sees. */
    private static int[] visibleKeys(Dims d, AttentionMask mask) {
        int[] keyLengths = mask.keyLengths();
        int[] visible = new int[d.batch * d.queries];
        for (int b = 0; b < d.batch; b++) {
            for (int i = 0; i < d.queries; i++) {
                int n = d.keys;
                if (mask.causal()) {
                    // Query i sits at absolute position Tk - Tq + i and sees keys up to it.
                    n = Math.min(n, d.keys - d.queries + i + 1);
                }
                if (keyLengths != null) {
                    n = Math.min(n, keyLengths[b]);
                }
                visible[b * d.queries + i] = Math.max(n, 0);
            }
        }
        return visible;
    }

    /** Checked sizes of one call and the offsets of each (batch, head) block. */
    private record Dims(int batch, int heads, int kvHeads, int group, int queries, int keys, int headDim) {

        static Dims of(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
            AttentionShape s = AttentionShape.of(q, k, v, mask);
            long scores = (long) s.batch() * s.heads() * s.queries() * s.keys();
            if (scores > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("attention: " + scores + " probabilities for q " + shape(q)
                        + " and k " + shape(k) + " do not fit in one array; use a tiled (flash) attention");
            }
            return new Dims(s.batch(), s.heads(), s.kvHeads(), s.group(), s.queries(), s.keys(), s.headDim());
        }

        int scoreCount() {
            return batch * heads * queries * keys;
        }

        int queryCount() {
            return batch * heads * queries * headDim;
        }

        int queryOffset(int b, int h) {
            return (b * heads + h) * queries * headDim;
        }

        int keyOffset(int b, int g) {
            return (b * kvHeads + g) * keys * headDim;
        }

        int scoreOffset(int b, int h) {
            return (b * heads + h) * queries * keys;
        }

        private static String shape(Tensor t) {
            return Arrays.toString(t.shape());
        }
    }
}
