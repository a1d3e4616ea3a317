package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Grad;
import dev.quire.tensor.MatMul;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The feed-forward part of a block: each position on its own, widen to {@code 4C}, GELU, narrow back.
 * Where attention moves information between positions, the MLP transforms it within one.
 *
 * <p>Memory: when training, the GELU output (the largest activation of a block with the attention
 * probabilities, {@code [B, T, 4C]}) is not kept for the backward pass. The projection after it is one
 * operation ({@link #geluProjection}) that keeps only the GELU's input, which the GELU's own backward needs
 * anyway, and computes the GELU again in its backward pass, with its slope in the same pass, into arrays
 * shared by all layers. The arithmetic is that of {@code cProj.forward(h.gelu())} operation for operation,
 * so results are the same bit for bit; the price is one more GELU per layer and step (about 1% of a step).
 */
final class Mlp implements ParameterSource {

    /**
     * Where the backward passes recompute the GELU and its slope: two arrays per thread, reused by every
     * layer (and by every step).
     */
    private static final ThreadLocal<float[][]> RECOMPUTED = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private final Linear cFc;   // [4C, C]
    private final Linear cProj; // [C, 4C]
    private final Tensor.Gelu gelu;

    Mlp(GptConfig config, RandomGenerator init) {
        int width = config.width();
        this.cFc = new Linear(width, 4 * width, config.bias(), 0.02f, init);
        // Projection into the residual stream: scaled init, as in CausalSelfAttention.
        this.cProj = new Linear(4 * width, width, config.bias(), (float) (0.02 / Math.sqrt(2.0 * config.layers())), init);
        this.gelu = config.gelu();
    }

    /** {@code x [B, T, C] -> [B, T, C]}. */
    Tensor forward(Tensor x) {
        Tensor pre = cFc.forward(x);                 // [B, T, 4C]
        if (Grad.enabled() && cProj.adapter() == null && pre.requiresGrad()) {
            return geluProjection(pre);              // [B, T, C]
        }
        // Inference, or a LoRA adapter on the projection (which reads the GELU output itself).
        return cProj.forward(pre.gelu(gelu));        // [B, T, C]
    }

    /** The plain composition {@code cProj(gelu(cFc(x)))}, keeping the GELU output: what {@link #forward} equals. */
    Tensor forwardKeepingActivations(Tensor x) {
        return cProj.forward(cFc.forward(x).gelu(gelu)); // [B, T, C]
    }

    /**
     * {@code gelu(pre)·Wᵀ + b} for {@code pre [..., 4C]}, keeping {@code pre} (not the GELU output) for
     * the backward pass. Forward and backward are those of {@code pre.gelu().linear(W, b)}: the bias
     * copied into each row and {@code C += A·Wᵀ}; {@code dW += gᵀ·A}, {@code db += Σ_rows g} (rows in order),
     * {@code dA = g·W} and the GELU's backward on it.
     */
    private Tensor geluProjection(Tensor pre) {
        Tensor weight = cProj.weight;                // [out, in]
        Tensor bias = cProj.bias;                    // [out] or null
        int in = weight.dim(1);
        int outFeatures = weight.dim(0);
        int rows = pre.size() / in;
        Tensor activated;
        try (var off = Grad.disabled()) {
            activated = pre.gelu(gelu);              // [rows, in], in the step's arena
        }
        float[] out = Arena.resultArray(rows * outFeatures); // [rows, out]
        if (bias != null) {
            // Start every row at the bias, then C += A·Wᵀ: as Tensor.linear does.
            float[] b = bias.data();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, out, r * outFeatures, outFeatures);
            }
        }
        MatMul.nt(activated.data(), 0, weight.data(), 0, out, 0, rows, in, outFeatures, bias != null);
        // Nothing reads the GELU output any more (the backward pass computes it again): the next layer's
        // GELU reuses the array.
        Arena.releaseEarly(activated.data());
        int[] shape = pre.shape();
        shape[shape.length - 1] = outFeatures;
        Tensor[] inputs = bias == null ? new Tensor[] {pre, weight} : new Tensor[] {pre, weight, bias};
        return Tensor.fromOp(out, shape, inputs, g -> geluProjectionBackward(pre, weight, bias, g, rows, in, outFeatures));
    }

    private void geluProjectionBackward(Tensor pre, Tensor weight, Tensor bias, float[] g, int rows, int in,
                                        int outFeatures) {
        // A = gelu(pre) again, with its slope gelu'(pre) from the same pass  [rows, in] each.
        float[] x = pre.data();
        float[][] scratch = RECOMPUTED.get();
        if (scratch[0].length != x.length) {
            scratch[0] = new float[x.length];
            scratch[1] = new float[x.length];
        }
        float[] a = scratch[0], slope = scratch[1];
        gelu.valueAndSlope(x, a, slope);
        boolean biasGrad = bias != null && bias.requiresGrad();
        if (weight.requiresGrad() && biasGrad) {
            // dW += gᵀ·A, and db += Σ_rows g from the same pass over g
            MatMul.tn(g, 0, a, 0, weight.gradForAccumulation(), 0, outFeatures, rows, in, true, bias.gradForAccumulation());
        } else if (weight.requiresGrad()) {
            MatMul.tn(g, 0, a, 0, weight.gradForAccumulation(), 0, outFeatures, rows, in, true); // dW += gᵀ·A
        } else if (biasGrad) {
            MatMul.columnSums(g, rows, outFeatures, bias.gradForAccumulation());             // db += Σ_rows g
        }
        if (pre.requiresGrad()) {
            // dA = g·W, into A's array (A is no longer needed), then d(pre) += dA ∘ gelu'(pre): the bits of
            // the GELU's own backward pass.
            float[] dA = a;
            MatMul.nn(g, 0, weight.data(), 0, dA, 0, rows, outFeatures, in, false);
            Tensor.Gelu.applySlope(slope, dA, pre.gradForAccumulation());
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(Parameters.prefixed("c_fc.", cFc));
        list.addAll(Parameters.prefixed("c_proj.", cProj));
        return list;
    }
}
