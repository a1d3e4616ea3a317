package dev.quire.attention.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

/** Shared helpers of the flash tests: comparisons, random inputs and a float64 attention. */
final class Numerics {

    private Numerics() {
    }

    /**
     * Lets this (test-patched) module read {@code dev.quire.attention.standard}, which the tests compare
     * against: surefire puts the test-scoped module on the module path, where nothing requires it. Call
     * from a static initializer, before any code touches the standard classes; looked up by name, since a
     * class literal would already need the read edge.
     */
    static void readStandardAttention() {
        Module self = Numerics.class.getModule();
        try {
            Module standard = Class.forName("dev.quire.attention.standard.StandardAttention").getModule();
            if (self.isNamed() && !self.canRead(standard)) {
                self.addReads(standard);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("quire-attention-standard is not on the test path", e);
        }
    }

    /** Asserts {@code max |actual − expected| <= tolerance}, infinities of equal sign counting as equal. */
    static void assertClose(float[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).as(what + " (length)").hasSize(expected.length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Double.isInfinite(expected[i]) && actual[i] == expected[i]) {
                continue;
            }
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= worst)) {
                worst = error;
                worstAt = i;
            }
        }
        assertThat(worst).as("%s: worst absolute error at index %d (actual %s, expected %s)", what, worstAt,
                worstAt < 0 ? "" : actual[worstAt], worstAt < 0 ? "" : expected[worstAt]).isLessThanOrEqualTo(tolerance);
    }

    /** The largest absolute difference; infinities of equal sign count as equal, anything else infinite is +∞. */
    static double maxError(float[] actual, double[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Double.isInfinite(expected[i]) && actual[i] == expected[i]) {
                continue;
            }
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= worst)) {
                worst = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
            }
        }
        return worst;
    }

    /** The largest absolute value (ignoring infinities). */
    static double maxAbs(double[] values) {
        double m = 0;
        for (double x : values) {
            if (Double.isFinite(x)) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    static float[] uniform(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** [B, 1, S] -> [B, heads, S] by copying the single head. */
    static float[] repeatHeads(float[] data, int batch, int heads, int headSize) {
        float[] out = new float[batch * heads * headSize];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(data, b * headSize, out, (b * heads + h) * headSize, headSize);
            }
        }
        return out;
    }

    /** [B, heads, S] -> [B, 1, S] by summing over heads. */
    static double[] sumHeads(float[] data, int batch, int heads, int headSize) {
        double[] out = new double[batch * headSize];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < headSize; i++) {
                    out[b * headSize + i] += data[(b * heads + h) * headSize + i];
                }
            }
        }
        return out;
    }

    /**
     * Attention and its gradients in float64, the textbook way (one query row at a time), from float32
     * inputs. Conventions of the SPI: query i at position Tk − Tq + i, grouped-query heads, right padding,
     * −∞ log-sum-exp and zero output for a query that sees no key.
     */
    record Exact(double[] out, double[] lse, double[] dq, double[] dk, double[] dv) {

        static Exact of(float[] q, float[] k, float[] v, float[] gradOut, int batch, int heads, int kvHeads,
                        int tq, int tk, int dim, boolean causal, int[] keyLengths) {
            double scale = 1.0 / Math.sqrt(dim);
            int group = heads / kvHeads;
            double[] out = new double[batch * heads * tq * dim];
            double[] lse = new double[batch * heads * tq];
            double[] dq = new double[out.length];
            double[] dk = new double[batch * kvHeads * tk * dim];
            double[] dv = new double[dk.length];
            double[] p = new double[tk];
            double[] dp = new double[tk];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    int qBase = (b * heads + h) * tq * dim;
                    int kBase = (b * kvHeads + h / group) * tk * dim;
                    for (int i = 0; i < tq; i++) {
                        int n = tk;
                        if (causal) {
                            n = Math.min(n, tk - tq + i + 1);
                        }
                        if (keyLengths != null) {
                            n = Math.min(n, keyLengths[b]);
                        }
                        int row = (b * heads + h) * tq + i;
                        int qo = qBase + i * dim;
                        if (n <= 0) {
                            lse[row] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            int ko = kBase + j * dim;
                            for (int c = 0; c < dim; c++) {
                                s += (double) q[qo + c] * k[ko + c];
                            }
                            p[j] = s * scale;
                            max = Math.max(max, p[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < n; j++) {
                            p[j] = Math.exp(p[j] - max);
                            sum += p[j];
                        }
                        lse[row] = max + Math.log(sum);
                        double rowD = 0;
                        for (int j = 0; j < n; j++) {
                            p[j] /= sum;
                            int vo = kBase + j * dim;
                            double d = 0;
                            for (int c = 0; c < dim; c++) {
                                out[qo + c] += p[j] * v[vo + c];
                                d += (double) gradOut[qo + c] * v[vo + c];
                            }
                            dp[j] = d;
                            rowD += p[j] * d;
                        }
                        for (int j = 0; j < n; j++) {
                            double ds = p[j] * (dp[j] - rowD) * scale;
                            int ko = kBase + j * dim;
                            for (int c = 0; c < dim; c++) {
                                dq[qo + c] += ds * k[ko + c];
                                dk[ko + c] += ds * q[qo + c];
                                dv[ko + c] += p[j] * gradOut[qo + c];
                            }
                        }
                    }
                }
            }
            return new Exact(out, lse, dq, dk, dv);
        }
    }
}
