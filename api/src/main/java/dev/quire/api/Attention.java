package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * Scaled dot-product attention, {@code softmax(q·kᵀ / sqrt(D) + mask) · v}, per head.
 *
 * <p>Shapes: {@code q [B, H, Tq, D]}, {@code k, v [B, Hkv, Tk, D]} with {@code H % Hkv == 0}
 * (grouped-query attention: query head {@code h} uses key/value head {@code h / (H / Hkv)}).
 * The result records its own backward pass, so gradients reach q, k and v through autograd.
 * Implementations must agree with each other to float32 rounding: swapping one for another is an
 * experiment about speed and memory, never about numbers. That holds with dropout too, since the
 * dropout mask is a pure function of its seed and the element's indices, fixed by
 * {@link AttentionDropout}.
 */
public interface Attention {

    /**
     * @param q    queries {@code [B, H, Tq, D]}
     * @param k    keys {@code [B, Hkv, Tk, D]}
     * @param v    values {@code [B, Hkv, Tk, D]}
     * @param mask which keys each query sees
     * @throws IllegalArgumentException on inconsistent shapes, naming them
     */
    AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask);

    /**
     * Attention with dropout on the probabilities, as PyTorch's
     * {@code scaled_dot_product_attention(dropout_p=dropout.rate())}: the output is
     * {@code (P ∘ M / (1 − rate)) · V}, with {@code P} the softmax of the masked scaled scores and
     * {@code M} the keep mask that {@link AttentionDropout#keeps(int, int, int, int)} defines; the
     * returned log-sum-exp is that of the undropped scores, and gradients flow through the kept
     * elements (the backward pass uses the same mask). With {@code dropout.rate() == 0} the result is
     * exactly that of {@link #forward(Tensor, Tensor, Tensor, AttentionMask)}, bit for bit.
     *
     * <p>The default implementation supports rate 0 only (it delegates to the four-argument method),
     * so that implementations written before dropout existed keep compiling and working without it;
     * the built-in implementations override it.
     *
     * @param q       queries {@code [B, H, Tq, D]}
     * @param k       keys {@code [B, Hkv, Tk, D]}
     * @param v       values {@code [B, Hkv, Tk, D]}
     * @param mask    which keys each query sees
     * @param dropout the dropout rate and seed; {@link AttentionDropout#NONE} for none
     * @throws IllegalArgumentException      on inconsistent shapes, naming them, or a null dropout
     * @throws UnsupportedOperationException when {@code dropout.rate() > 0} and this implementation does
     *                                       not support dropout
     */
    default AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask, AttentionDropout dropout) {
        if (dropout == null) {
            throw new IllegalArgumentException("attention: dropout must not be null (use AttentionDropout.NONE)");
        }
        if (dropout.active()) {
            throw new UnsupportedOperationException("attention " + getClass().getName()
                    + " does not support dropout (rate " + dropout.rate() + "); use rate 0 or an implementation"
                    + " that overrides forward(q, k, v, mask, dropout)");
        }
        return forward(q, k, v, mask);
    }
}
