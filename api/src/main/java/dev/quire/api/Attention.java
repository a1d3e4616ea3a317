package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * Scaled dot-product attention, {@code softmax(q·kᵀ / sqrt(D) + mask) · v}, per head.
 *
 * <p>Shapes: {@code q [B, H, Tq, D]}, {@code k, v [B, Hkv, Tk, D]} with {@code H % Hkv == 0}
 * (grouped-query attention: query head {@code h} uses key/value head {@code h / (H / Hkv)}).
 * The result records its own backward pass, so gradients reach q, k and v through autograd.
 * Implementations must agree with each other to float32 rounding: swapping one for another is an
 * experiment about speed and memory, never about numbers.
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
}
