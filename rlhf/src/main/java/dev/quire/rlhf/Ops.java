package dev.quire.rlhf;

import dev.quire.tensor.Tensor;

/** Element-wise operations the alignment losses need and the tensor engine does not have. */
final class Ops {

    private Ops() {
    }

    /**
     * {@code log σ(x)}, computed stably ({@code -softplus(-x)}) for large |x|; gradient {@code 1 - σ(x)}.
     */
    static Tensor logSigmoid(Tensor x) {
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            out[i] = (float) (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));
        }
        return Tensor.fromOp(out, x.shape(), new Tensor[] {x}, g -> {
            float[] gx = x.gradForAccumulation();
            for (int i = 0; i < in.length; i++) {
                gx[i] += (float) (g[i] * (1 - sigmoid(in[i])));
            }
        });
    }

    static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /**
     * PPO's clipped surrogate per element, to be minimised:
     * {@code -min(ratio · A, clip(ratio, 1 - ε, 1 + ε) · A)}. Where the clipped term is the smaller one the
     * element is constant in the ratio, so its gradient is 0; otherwise it is {@code -A}.
     *
     * @param ratio      {@code π_θ / π_old}, any shape
     * @param advantages one per element of {@code ratio}
     */
    static Tensor clippedSurrogate(Tensor ratio, float[] advantages, double epsilon) {
        float[] r = ratio.data();
        if (advantages.length != r.length) {
            throw new IllegalArgumentException("clippedSurrogate: " + advantages.length + " advantages for "
                    + r.length + " ratios");
        }
        float[] out = new float[r.length];
        boolean[] active = new boolean[r.length];
        for (int i = 0; i < r.length; i++) {
            double a = advantages[i];
            double unclipped = r[i] * a;
            double clipped = Math.clamp(r[i], 1 - epsilon, 1 + epsilon) * a;
            active[i] = unclipped <= clipped;
            out[i] = (float) -Math.min(unclipped, clipped);
        }
        return Tensor.fromOp(out, ratio.shape(), new Tensor[] {ratio}, g -> {
            float[] gr = ratio.gradForAccumulation();
            for (int i = 0; i < r.length; i++) {
                if (active[i]) {
                    gr[i] -= g[i] * advantages[i];
                }
            }
        });
    }

    /** Whether the ratio lies outside {@code [1 - ε, 1 + ε]} (PPO's clip fraction counts these). */
    static boolean outsideClip(float ratio, double epsilon) {
        return ratio < 1 - epsilon || ratio > 1 + epsilon;
    }
}
