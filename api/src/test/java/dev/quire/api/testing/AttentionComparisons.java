package dev.quire.api.testing;

import java.util.SplittableRandom;

/**
 * Comparisons and inputs for testing an {@link dev.quire.api.Attention} implementation: float32 results
 * against float64 expectations, seeded random inputs, and the grouped-query reshuffles (repeat a
 * key/value head, sum gradients back over the heads that shared it).
 *
 * <p>Test support for attention modules, built-in or third-party, shipped in {@code quire-api}'s test jar
 * (type {@code test-jar}, scope {@code test}). It uses no test framework: a mismatch is an
 * {@link AssertionError}.
 */
public final class AttentionComparisons {

    private AttentionComparisons() {
    }

    /**
     * Asserts that {@code actual} has the length of {@code expected} and that {@code max |actual − expected|
     * <= tolerance}; an infinity in {@code expected} matched by the same infinity counts as equal, and a
     * NaN anywhere fails.
     *
     * @param what names the compared values in the failure message
     */
    public static void assertClose(float[] actual, double[] expected, double tolerance, String what) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + " (length): expected " + expected.length + " values but got " + actual.length);
        }
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
        if (!(worst <= tolerance)) {
            throw new AssertionError(String.format("%s: worst absolute error at index %d (actual %s, expected %s): %s > tolerance %s",
                    what, worstAt, worstAt < 0 ? "" : actual[worstAt], worstAt < 0 ? "" : expected[worstAt], worst, tolerance));
        }
    }

    /** The largest absolute difference; infinities of equal sign count as equal, a NaN difference as +∞. */
    public static double maxError(float[] actual, double[] expected) {
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

    /** The largest absolute value, ignoring infinities (a relative tolerance is {@code tol · max(1, maxAbs)}). */
    public static double maxAbs(double[] values) {
        double m = 0;
        for (double x : values) {
            if (Double.isFinite(x)) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    /** {@code n} values uniform in [−1, 1), from {@code random}. */
    public static float[] uniform(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    /** {@code n} standard normal values, from {@code random}. */
    public static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The values widened to double (exactly). */
    public static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** {@code [B, 1, S] -> [B, heads, S]} by copying the single head ({@code headSize = S}, e.g. {@code T·D}). */
    public static float[] repeatHeads(float[] data, int batch, int heads, int headSize) {
        float[] out = new float[batch * heads * headSize];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(data, b * headSize, out, (b * heads + h) * headSize, headSize);
            }
        }
        return out;
    }

    /** {@code [B, heads, S] -> [B, 1, S]} by summing over heads: the gradient of a shared key/value head. */
    public static double[] sumHeads(float[] data, int batch, int heads, int headSize) {
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
}
