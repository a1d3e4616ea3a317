package dev.quire.attention.flash;

import static dev.quire.api.testing.AttentionComparisons.assertClose;
import static dev.quire.api.testing.AttentionComparisons.gaussian;
import static dev.quire.api.testing.AttentionComparisons.maxAbs;
import static dev.quire.api.testing.AttentionComparisons.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Attention;
import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.api.testing.AttentionCases;
import dev.quire.attention.flash.FlashVersusStandardTest.Case;
import dev.quire.attention.standard.StandardAttention;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flash with dropout is still a drop-in substitute for {@code standard}: it regenerates the contract's
 * mask ({@link AttentionDropout}) tile by tile in both passes, so outputs, log-sum-exp and gradients
 * agree to float32 rounding over every edge case of {@link FlashVersusStandardTest}, under every
 * backward plan; and at rate 0 it is the undropped path, bit for bit.
 */
class FlashDropoutTest {

    static {
        Numerics.readStandardAttention();
    }

    private static final double[] RATES = {0.1, 0.3, 0.5, 0.9};

    static Stream<Arguments> casesAndPlans() {
        List<Arguments> all = new ArrayList<>();
        List<Case> cases = FlashVersusStandardTest.cases();
        for (int n = 0; n < cases.size(); n++) {
            for (FlashAttention.BackwardPlan plan : FlashAttention.BackwardPlan.values()) {
                all.add(Arguments.of(cases.get(n), plan, new AttentionDropout(RATES[n % RATES.length], 1000 + n)));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @MethodSource("casesAndPlans")
    void flashEqualsStandardWithDropout(Case c, FlashAttention.BackwardPlan plan, AttentionDropout dropout) {
        Run standard = run(new StandardAttention(), c, 21, dropout);
        Run flash = run(new FlashAttention(new FlashAttentionOptions(c.queryTile(), c.keyTile()), plan), c, 21, dropout);

        assertRelativelyClose(flash.out, standard.out, c + ": out");
        assertRelativelyClose(flash.lse, standard.lse, c + ": lse");
        assertRelativelyClose(flash.dq, standard.dq, c + ": grad q");
        assertRelativelyClose(flash.dk, standard.dk, c + ": grad k");
        assertRelativelyClose(flash.dv, standard.dv, c + ": grad v");
        assertThat(flash.out).doesNotContain(Float.NaN);
        assertThat(flash.dq).doesNotContain(Float.NaN);
        assertThat(flash.dk).doesNotContain(Float.NaN);
        assertThat(flash.dv).doesNotContain(Float.NaN);
    }

    @Test
    void rateZeroIsTheUndroppedPathBitForBit() {
        Case c = new Case("rate 0", 2, 4, 2, 70, 75, 20, true, new int[] {75, 40}, 16, 16);
        for (FlashAttention.BackwardPlan plan : FlashAttention.BackwardPlan.values()) {
            FlashAttention flash = new FlashAttention(new FlashAttentionOptions(16, 16), plan);
            Run plain = run(flash, c, 22, null);
            for (AttentionDropout zero : List.of(AttentionDropout.NONE, new AttentionDropout(0, 5))) {
                Run r = run(flash, c, 22, zero);
                assertThat(r.out).as("out").containsExactly(plain.out);
                assertThat(r.lse).as("lse").containsExactly(plain.lse);
                assertThat(r.dq).as("dq").containsExactly(plain.dq);
                assertThat(r.dk).as("dk").containsExactly(plain.dk);
                assertThat(r.dv).as("dv").containsExactly(plain.dv);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
        Case c = new Case("seeds", 2, 4, 2, 40, 40, 16, true, null, 16, 16);
        Attention flash = new FlashAttention(new FlashAttentionOptions(16, 16));
        Run first = run(flash, c, 23, new AttentionDropout(0.3, 41));
        Run again = run(flash, c, 23, new AttentionDropout(0.3, 41));
        Run other = run(flash, c, 23, new AttentionDropout(0.3, 42));
        Run plain = run(flash, c, 23, null);
        assertThat(again.out).containsExactly(first.out);
        assertThat(again.dq).containsExactly(first.dq);
        assertThat(again.dk).containsExactly(first.dk);
        assertThat(again.dv).containsExactly(first.dv);
        assertThat(other.out).isNotEqualTo(first.out);
        assertThat(other.dk).isNotEqualTo(first.dk);
        assertThat(first.out).isNotEqualTo(plain.out);
        // The log-sum-exp is of the undropped scores.
        assertThat(first.lse).containsExactly(plain.lse);
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() {
        Case c = new Case("threads", 2, 4, 2, 150, 150, 32, true, new int[] {150, 99}, 32, 32);
        AttentionDropout dropout = new AttentionDropout(0.25, 24);
        int threads = Parallel.threads();
        try {
            for (FlashAttention.BackwardPlan plan : FlashAttention.BackwardPlan.values()) {
                FlashAttention flash = new FlashAttention(new FlashAttentionOptions(32, 32), plan);
                Parallel.setThreads(1);
                Run one = run(flash, c, 24, dropout);
                Parallel.setThreads(3);
                Run three = run(flash, c, 24, dropout);
                assertThat(three.out).as("out").containsExactly(one.out);
                assertThat(three.dq).as("dq").containsExactly(one.dq);
                assertThat(three.dk).as("dk").containsExactly(one.dk);
                assertThat(three.dv).as("dv").containsExactly(one.dv);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /**
     * With {@code q = 0} and {@code v} the identity ({@code D = Tk}), output row i is the dropped
     * probability row, {@code M(b, h, i, j)·keepScale/n}: the mask flash regenerates per tile is the
     * contract's, at the contract's indices, across odd tile boundaries.
     */
    @Test
    void theMaskAppliedIsTheContractsElementByElement() {
        int batch = 2, heads = 4, kvHeads = 2, tq = 29, tk = 33;
        AttentionMask mask = new AttentionMask(true, new int[] {33, 20});
        AttentionDropout dropout = new AttentionDropout(0.4, 77);
        float[] out = identityRun(new FlashAttention(new FlashAttentionOptions(7, 5)), batch, heads, kvHeads, tq, tk, mask, dropout);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    int visible = Math.min(tk - tq + i + 1, b == 0 ? 33 : 20);
                    for (int j = 0; j < tk; j++) {
                        float actual = out[((b * heads + h) * tq + i) * tk + j];
                        double expected = j < visible && dropout.keeps(b, h, i, j) ? dropout.keepScale() / (double) visible : 0;
                        assertThat((double) actual).as("(%d, %d, %d, %d)", b, h, i, j)
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
                    }
                }
            }
        }
    }

    @Test
    void theKeptFractionOverAMillionElementsIsWithinFourSigma() {
        // 1 × 4 × 512 × 512 = 1,048,576 probabilities, each 1/512 before dropout.
        int heads = 4, t = 512;
        double rate = 0.2;
        AttentionDropout dropout = new AttentionDropout(rate, 2026);
        float[] out = identityRun(new FlashAttention(), 1, heads, heads, t, t, AttentionMask.NONE, dropout);
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
    void aNullDropoutIsRejected() {
        Tensor x = Tensor.zeros(1, 1, 2, 2);
        assertThatThrownBy(() -> new FlashAttention().forward(x, x, x, AttentionMask.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AttentionDropout.NONE");
    }

    // ---------------------------------------------------------------------------------------------

    record Run(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {
    }

    /** As {@link FlashVersusStandardTest#assertRelativelyClose}: within 1e-6 of the largest magnitude. */
    private static void assertRelativelyClose(float[] flash, float[] standard, String what) {
        double[] expected = toDouble(standard);
        assertClose(flash, expected, 1e-6 * Math.max(1, maxAbs(expected)), what);
    }

    /** Forward (the four-argument method when {@code dropout} is null) and backward with random grad_out. */
    static Run run(Attention attention, Case c, long seed, AttentionDropout dropout) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor[] qkv = FlashVersusStandardTest.inputs(c, random);
        Tensor gradOut = Tensor.of(gaussian(random, c.batch() * c.heads() * c.tq() * c.dim()), c.batch(), c.heads(), c.tq(), c.dim());
        AttentionMask mask = new AttentionMask(c.causal(), c.keyLengths());
        AttentionResult result = dropout == null ? attention.forward(qkv[0], qkv[1], qkv[2], mask)
                : attention.forward(qkv[0], qkv[1], qkv[2], mask, dropout);
        result.output().mul(gradOut).sum().backward();
        return new Run(result.output().data(), result.logSumExp().data(), qkv[0].grad(), qkv[1].grad(), qkv[2].grad());
    }

    /** Output with {@code q = 0}, random {@code k} and {@code v = I} ({@code D = Tk}, per key/value head). */
    private static float[] identityRun(Attention attention, int batch, int heads, int kvHeads, int tq, int tk,
                                       AttentionMask mask, AttentionDropout dropout) {
        float[] keys = gaussian(new SplittableRandom(1), batch * kvHeads * tk * tk);
        return AttentionCases.identityProbe(attention, batch, heads, kvHeads, tq, tk, mask, dropout, keys);
    }
}
