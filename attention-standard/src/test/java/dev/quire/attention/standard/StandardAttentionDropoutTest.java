package dev.quire.attention.standard;

import static dev.quire.api.testing.AttentionComparisons.assertClose;
import static dev.quire.api.testing.AttentionComparisons.maxAbs;
import static dev.quire.api.testing.AttentionComparisons.toDouble;
import static dev.quire.api.testing.AttentionComparisons.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.api.testing.AttentionCases;
import dev.quire.api.testing.AttentionReference;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout on the attention probabilities in {@link StandardAttention}: PyTorch's semantics
 * {@code O = (P ∘ M / (1 − rate))·V} with the mask of {@link AttentionDropout}, checked against a
 * float64 computation and its finite-difference gradients, element by element against the contract's
 * mask, and for determinism.
 */
class StandardAttentionDropoutTest {

    private final StandardAttention attention = new StandardAttention();

    /** One configuration; {@code keyLengths} null for no padding. */
    record Case(String name, int batch, int heads, int kvHeads, int tq, int tk, int dim, boolean causal,
                int[] keyLengths, double rate, long seed) {

        AttentionMask mask() {
            return new AttentionMask(causal, keyLengths);
        }

        AttentionDropout dropout() {
            return new AttentionDropout(rate, seed);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("full", 2, 2, 2, 6, 6, 4, false, null, 0.3, 1),
                new Case("causal", 1, 2, 2, 7, 7, 3, true, null, 0.5, 2),
                new Case("grouped-query, causal, 1 kv head of 3", 2, 3, 1, 5, 5, 4, true, null, 0.25, 3),
                new Case("padding with a fully masked element", 3, 2, 2, 4, 6, 3, false, new int[] {0, 3, 6}, 0.4, 4),
                new Case("decode Tq=3 < Tk=8, causal, padding", 2, 2, 1, 3, 8, 4, true, new int[] {8, 6}, 0.3, 5),
                new Case("high rate", 1, 2, 2, 6, 6, 4, true, null, 0.8, 6));
    }

    /** The finite-difference gradients of a float64 reference (same mask) against the float32 backward pass. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferencesOfAFloat64Reference(Case c) {
        SplittableRandom random = new SplittableRandom(c.seed);
        Tensor q = Tensor.parameter(uniform(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
        Tensor k = Tensor.parameter(uniform(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim);
        Tensor v = Tensor.parameter(uniform(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim);
        float[] g = uniform(random, c.batch * c.heads * c.tq * c.dim);

        AttentionResult result = attention.forward(q, k, v, c.mask(), c.dropout());
        result.output().mul(Tensor.of(g, c.batch, c.heads, c.tq, c.dim)).sum().backward();

        double[] qd = toDouble(q.data());
        double[] kd = toDouble(k.data());
        double[] vd = toDouble(v.data());
        Reference reference = new Reference(c);
        double[] expectedOut = reference.out(qd, kd, vd);
        assertClose(result.output().data(), expectedOut, 1e-6 * Math.max(1, maxAbs(expectedOut)), c + ": out");
        // The log-sum-exp is of the undropped scores: the same as without dropout.
        float[] undroppedLse = attention.forward(q, k, v, c.mask()).logSumExp().data();
        assertThat(result.logSumExp().data()).as("lse").containsExactly(undroppedLse);

        double[][] inputs = {qd, kd, vd};
        float[][] grads = {q.grad(), k.grad(), v.grad()};
        for (int which = 0; which < 3; which++) {
            double[] x = inputs[which];
            double[] numeric = new double[x.length];
            double step = 1e-6;
            for (int e = 0; e < x.length; e++) {
                double saved = x[e];
                x[e] = saved + step;
                double plus = dot(reference.out(qd, kd, vd), g);
                x[e] = saved - step;
                double minus = dot(reference.out(qd, kd, vd), g);
                x[e] = saved;
                numeric[e] = (plus - minus) / (2 * step);
            }
            assertClose(grads[which], numeric, 2e-6 * Math.max(1, maxAbs(numeric)), c + ": grad " + "qkv".charAt(which));
        }
    }

    /**
     * With {@code q = 0} every visible key gets probability {@code 1/n}, and with {@code v} the identity
     * ({@code D = Tk}) the output row i is the dropped probability row: {@code out[b, h, i, j] =
     * M(b, h, i, j)·keepScale/n}. So the mask applied is exactly the contract's, at the contract's indices
     * (query head, query row, key column).
     */
    @Test
    void theMaskAppliedIsTheContractsElementByElement() {
        int batch = 2, heads = 4, kvHeads = 2, tq = 9, tk = 12;
        AttentionMask mask = new AttentionMask(true, new int[] {12, 7});
        AttentionDropout dropout = new AttentionDropout(0.4, 77);
        float[] out = identityRun(attention, batch, heads, kvHeads, tq, tk, mask, dropout);
        int dropped = 0;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    int visible = Math.min(tk - tq + i + 1, b == 0 ? 12 : 7);
                    for (int j = 0; j < tk; j++) {
                        float actual = out[((b * heads + h) * tq + i) * tk + j];
                        double expected = j < visible && dropout.keeps(b, h, i, j) ? dropout.keepScale() / (double) visible : 0;
                        if (j < visible && expected == 0) {
                            dropped++;
                        }
                        assertThat((double) actual).as("(%d, %d, %d, %d)", b, h, i, j)
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
                    }
                }
            }
        }
        assertThat(dropped).isPositive();
    }

    @Test
    void theKeptFractionOverAMillionElementsIsWithinFourSigma() {
        // 1 × 4 × 512 × 512 = 1,048,576 probabilities, each 1/512 before dropout.
        int heads = 4, t = 512;
        double rate = 0.2;
        AttentionDropout dropout = new AttentionDropout(rate, 2026);
        float[] out = identityRun(attention, 1, heads, heads, t, t, AttentionMask.NONE, dropout);
        float keptValue = (1f / t) * dropout.keepScale();
        long kept = 0;
        for (float x : out) {
            if (x != 0f) {
                assertThat(x).isEqualTo(keptValue);
                kept++;
            }
        }
        long n = out.length;
        double sigma = Math.sqrt(n * rate * (1 - rate));
        assertThat(Math.abs(kept - n * (1 - rate))).as("kept %d of %d", kept, n).isLessThanOrEqualTo(4 * sigma);
    }

    @Test
    void rateZeroIsTheUndroppedPathBitForBit() {
        Case c = new Case("rate 0", 2, 4, 2, 11, 13, 8, true, new int[] {13, 9}, 0, 8);
        Run plain = run(c, null);
        Run zero = run(c, new AttentionDropout(0, 8));
        Run none = run(c, AttentionDropout.NONE);
        for (Run r : List.of(zero, none)) {
            assertThat(r.out).containsExactly(plain.out);
            assertThat(r.lse).containsExactly(plain.lse);
            assertThat(r.dq).containsExactly(plain.dq);
            assertThat(r.dk).containsExactly(plain.dk);
            assertThat(r.dv).containsExactly(plain.dv);
        }
    }

    @Test
    void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
        Case c = new Case("seeds", 2, 4, 2, 11, 13, 8, true, null, 0.3, 9);
        Run first = run(c, new AttentionDropout(0.3, 41));
        Run again = run(c, new AttentionDropout(0.3, 41));
        Run other = run(c, new AttentionDropout(0.3, 42));
        Run plain = run(c, null);
        assertThat(again.out).containsExactly(first.out);
        assertThat(again.dq).containsExactly(first.dq);
        assertThat(again.dk).containsExactly(first.dk);
        assertThat(again.dv).containsExactly(first.dv);
        assertThat(other.out).isNotEqualTo(first.out);
        assertThat(other.dq).isNotEqualTo(first.dq);
        assertThat(first.out).isNotEqualTo(plain.out);
        assertThat(first.lse).containsExactly(plain.lse);
    }

    @Test
    void aNullDropoutIsRejected() {
        Tensor x = Tensor.zeros(1, 1, 2, 2);
        assertThatThrownBy(() -> attention.forward(x, x, x, AttentionMask.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AttentionDropout.NONE");
    }

    // ---------------------------------------------------------------------------------------------

    record Run(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {
    }

    /** Forward (with {@code dropout}, or the four-argument method when null) and backward, inputs from the case's seed. */
    private Run run(Case c, AttentionDropout dropout) {
        SplittableRandom random = new SplittableRandom(c.seed);
        Tensor q = Tensor.parameter(uniform(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
        Tensor k = Tensor.parameter(uniform(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim);
        Tensor v = Tensor.parameter(uniform(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim);
        Tensor g = Tensor.of(uniform(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
        AttentionResult result = dropout == null ? attention.forward(q, k, v, c.mask())
                : attention.forward(q, k, v, c.mask(), dropout);
        result.output().mul(g).sum().backward();
        return new Run(result.output().data(), result.logSumExp().data(), q.grad(), k.grad(), v.grad());
    }

    /** Output with {@code q = 0}, random {@code k} and {@code v = I} ({@code D = Tk}, per key/value head). */
    static float[] identityRun(StandardAttention attention, int batch, int heads, int kvHeads, int tq, int tk,
                               AttentionMask mask, AttentionDropout dropout) {
        float[] keys = uniform(new SplittableRandom(1), batch * kvHeads * tk * tk);
        return AttentionCases.identityProbe(attention, batch, heads, kvHeads, tq, tk, mask, dropout, keys);
    }

    /** The float64 reference attention with the case's mask and dropout, forward only (for finite differences). */
    private record Reference(Case c) {

        double[] out(double[] q, double[] k, double[] v) {
            return AttentionReference.of(q, k, v, null, c.batch, c.heads, c.kvHeads, c.tq, c.tk, c.dim, c.mask(),
                    c.dropout()).out();
        }
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
