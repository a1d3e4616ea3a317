package dev.quire.model;

import dev.quire.tensor.Tensor;
import java.util.Objects;

/**
 * The low-rank update of one linear layer (Hu et al., 2021): {@code Δy = (alpha/rank)·(x·Aᵀ)·Bᵀ} with
 * {@code A [rank, in]} and {@code B [out, rank]}, so the layer acts as if its weight were
 * {@code W + (alpha/rank)·B·A}. Package-private: {@link Lora} attaches, merges and saves adapters.
 */
final class LoraAdapter {

    /** Parameter-name suffix of {@code A}, as in PEFT ({@code ...c_attn.lora_A}). */
    static final String A_NAME = "lora_A";
    /** Parameter-name suffix of {@code B}. */
    static final String B_NAME = "lora_B";

    private final Tensor a;      // [rank, in]
    private final Tensor b;      // [out, rank]
    private final float scale;   // alpha / rank

    LoraAdapter(Tensor a, Tensor b, float scale) {
        this.a = Objects.requireNonNull(a, "a");
        this.b = Objects.requireNonNull(b, "b");
        if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
            throw new IllegalArgumentException("LoRA needs A [rank, in] and B [out, rank], got A "
                    + java.util.Arrays.toString(a.shape()) + " and B " + java.util.Arrays.toString(b.shape()));
        }
        this.scale = scale;
    }

    Tensor a() {
        return a;
    }

    Tensor b() {
        return b;
    }

    float scale() {
        return scale;
    }

    int rank() {
        return a.dim(0);
    }

    int in() {
        return a.dim(1);
    }

    int out() {
        return b.dim(0);
    }

    /** {@code x [..., in] -> (alpha/rank)·(x·Aᵀ)·Bᵀ [..., out]}. */
    Tensor forward(Tensor x) {
        Tensor down = x.linear(a, null);          // [..., rank]
        return down.linear(b, null).mul(scale);   // [..., out]
    }

    /**
     * Adds {@code (alpha/rank)·B·A} into {@code weight [out, in]} in place, accumulating each element in
     * double precision before the one rounding to float.
     */
    void mergeInto(Tensor weight) {
        float[] w = weight.data();
        float[] av = a.data();
        float[] bv = b.data();
        int rank = rank();
        int in = in();
        int out = out();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int r = 0; r < rank; r++) {
                    sum += (double) bv[o * rank + r] * av[r * in + i];
                }
                w[o * in + i] = (float) (w[o * in + i] + scale * sum);
            }
        }
    }
}
