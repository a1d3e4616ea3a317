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
 * <p>When training, the GELU and the projection after it are one operation ({@link #geluProjection}):
 * its forward pass computes the GELU's value and slope in one pass and keeps the slope in place of the
 * GELU's input, which nothing else needs, so the backward pass does no GELU arithmetic at all and the
 * memory kept is that of {@code cProj.forward(h.gelu())} (the input's array and the GELU output, as in
 * PyTorch). The arithmetic is that composition's operation for operation, so results are the same bit
 * for bit. (An earlier version kept only the input and computed the GELU again in the backward pass:
 * 150 MB less on preset small, 20 ms a step slower.)
 */
final class Mlp implements ParameterSource {

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
     * {@code gelu(pre)·Wᵀ + b} for {@code pre [..., 4C]}, keeping the GELU output and, in pre's own array,
     * the GELU's slope for the backward pass (pre's values are gone afterwards). Forward and backward are those of {@code pre.gelu().linear(W, b)}: the bias
     * copied into each row and {@code C += A·Wᵀ}; {@code dW += gᵀ·A}, {@code db += Σ_rows g} (rows in order),
     * {@code dA = g·W} and the GELU's backward on it.
     */
    private Tensor geluProjection(Tensor pre) {
        Tensor weight = cProj.weight;                // [out, in]
        Tensor bias = cProj.bias;                    // [out] or null
        int in = weight.dim(1);
        int outFeatures = weight.dim(0);
        int rows = pre.size() / in;
        // A = gelu(pre) and, in the same pass, gelu'(pre) written over pre's own values: the backward pass
        // needs A (for dW) and the slope, never pre itself, and nothing else reads this layer's pre.
        float[] x = pre.data();
        float[] activated = Arena.resultArray(x.length); // A [rows, in], in the step's arena
        gelu.valueAndSlope(x, activated, x);
        float[] out = Arena.resultArray(rows * outFeatures); // [rows, out]
        if (bias != null) {
            // Start every row at the bias, then C += A·Wᵀ: as Tensor.linear does.
            float[] b = bias.data();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, out, r * outFeatures, outFeatures);
            }
        }
        MatMul.nt(activated, 0, weight.data(), 0, out, 0, rows, in, outFeatures, bias != null);
        int[] shape = pre.shape();
        shape[shape.length - 1] = outFeatures;
        Tensor[] inputs = bias == null ? new Tensor[] {pre, weight} : new Tensor[] {pre, weight, bias};
        return Tensor.fromOp(out, shape, inputs, g -> geluProjectionBackward(pre, activated, weight, bias, g, rows, in, outFeatures));
    }

    /** {@code pre} holds gelu'(pre) by now (see {@link #geluProjection}); {@code a} is gelu(pre). */
    private static void geluProjectionBackward(Tensor pre, float[] a, Tensor weight, Tensor bias, float[] g, int rows,
                                               int in, int outFeatures) {
        float[] slope = pre.data();                  // [rows, in]
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
            // dA = g·W into a scratch array, then d(pre) += dA ∘ gelu'(pre): the bits of the GELU's own
            // backward pass.
            float[] dA = Arena.scratch(slope.length, false);
            MatMul.nn(g, 0, weight.data(), 0, dA, 0, rows, outFeatures, in, false);
            Tensor.Gelu.applySlope(slope, dA, pre.gradForAccumulation());
            Arena.releaseScratch(dA);
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(Parameters.prefixed("c_fc.", cFc));
        list.addAll(Parameters.prefixed("c_proj.", cProj));
        return list;
    }
}
