package dev.quire.attention.flash;

import static dev.quire.api.testing.AttentionComparisons.assertClose;
import static dev.quire.api.testing.AttentionComparisons.gaussian;
import static dev.quire.api.testing.AttentionComparisons.maxAbs;
import static dev.quire.api.testing.AttentionComparisons.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.Attention;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
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
 * Flash is a drop-in substitute for {@code standard}: same outputs, log-sum-exp and gradients to
 * float32 rounding, over the edge cases of tiling (T = 1, T not a multiple of the tile, T smaller than a
 * tile, head widths that are not a multiple of the vector width), of masking (fully masked rows,
 * padding, causal decoding with Tq &lt; Tk and Tq &gt; Tk) and of grouped-query heads, under both
 * backward plans.
 */
class FlashVersusStandardTest {

    static {
        Numerics.readStandardAttention();
    }

    /**
     * One configuration.
     *
     * @param keyLengths right padding per batch element, or null
     */
    record Case(String name, int batch, int heads, int kvHeads, int tq, int tk, int dim, boolean causal,
                int[] keyLengths, int queryTile, int keyTile) {

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("T=1", 2, 2, 2, 1, 1, 16, true, null, 64, 64),
                new Case("T=1 full, 1x1 tiles", 1, 3, 3, 1, 1, 16, false, null, 1, 1),
                new Case("T=100 not a multiple of the 64 tile", 1, 2, 2, 100, 100, 32, true, null, 64, 64),
                new Case("T=130 full, 3 query tiles, 3 key tiles", 2, 2, 2, 130, 130, 64, false, null, 64, 64),
                new Case("T=10 smaller than a tile", 2, 3, 3, 10, 10, 16, true, null, 64, 64),
                new Case("D=20 not a multiple of the vector width", 2, 2, 2, 70, 70, 20, true, null, 64, 64),
                new Case("D=8 narrower than a vector", 1, 2, 2, 33, 33, 8, false, null, 64, 64),
                new Case("D=100: full, single and masked vectors", 1, 2, 2, 50, 50, 100, true, null, 32, 16),
                new Case("D=3", 2, 1, 1, 19, 19, 3, true, null, 8, 4),
                new Case("grouped-query, 1 kv head", 1, 4, 1, 77, 77, 16, true, null, 64, 64),
                new Case("grouped-query, 2 kv heads of 3", 2, 6, 2, 45, 45, 16, false, null, 16, 16),
                new Case("padding with a fully masked element", 3, 2, 2, 50, 50, 16, false, new int[] {0, 17, 50}, 16, 16),
                new Case("padding + causal", 3, 2, 1, 64, 64, 32, true, new int[] {0, 30, 64}, 32, 16),
                new Case("decode: Tq=5 < Tk=37 causal", 2, 3, 3, 5, 37, 16, true, null, 64, 64),
                new Case("decode: one query, 200 keys", 2, 4, 2, 1, 200, 32, true, null, 64, 64),
                new Case("decode with padding", 2, 2, 2, 3, 40, 16, true, new int[] {40, 38}, 64, 16),
                new Case("Tq=9 > Tk=4 causal: first queries see nothing", 1, 2, 2, 9, 4, 16, true, null, 4, 2),
                new Case("cross attention Tq=20, Tk=50 full", 1, 2, 2, 20, 50, 16, false, null, 16, 16),
                new Case("odd tiles 7x5", 2, 2, 2, 45, 45, 16, true, null, 7, 5),
                new Case("query tile 17 (not a vector multiple) x 13", 1, 2, 2, 60, 60, 24, true, null, 17, 13),
                new Case("big tiles 256x128", 1, 2, 2, 300, 300, 64, true, null, 256, 128));
    }

    static Stream<Arguments> casesAndPlans() {
        List<Arguments> all = new ArrayList<>();
        for (Case c : cases()) {
            for (FlashAttention.BackwardPlan plan : FlashAttention.BackwardPlan.values()) {
                all.add(Arguments.of(c, plan));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("casesAndPlans")
    void flashEqualsStandard(Case c, FlashAttention.BackwardPlan plan) {
        Run standard = run(new StandardAttention(), c, 11);
        Run flash = run(new FlashAttention(new FlashAttentionOptions(c.queryTile, c.keyTile), plan), c, 11);

        assertRelativelyClose(flash.out, standard.out, c + ": out");
        assertRelativelyClose(flash.lse, standard.lse, c + ": lse");
        assertRelativelyClose(flash.dq, standard.dq, c + ": grad q");
        assertRelativelyClose(flash.dk, standard.dk, c + ": grad k");
        assertRelativelyClose(flash.dv, standard.dv, c + ": grad v");
        assertThat(flash.out).doesNotContain(Float.NaN);
        assertThat(flash.dq).doesNotContain(Float.NaN);
    }

    /**
     * Within 1e-6 of the largest magnitude (at least 1e-6 absolute): float32 rounding of sums that are
     * taken in another order (the scale folded into the queries, the online softmax's rescaling).
     */
    private static void assertRelativelyClose(float[] flash, float[] standard, String what) {
        double[] expected = toDouble(standard);
        assertClose(flash, expected, 1e-6 * Math.max(1, maxAbs(expected)), what);
    }

    @Test
    void onlyTheGradientsAskedForAreComputed() {
        // k alone, then q alone, then v alone: each path of the backward pass without the others.
        Case c = new Case("partial", 1, 4, 2, 40, 40, 16, true, null, 16, 16);
        Run all = run(new StandardAttention(), c, 12);
        for (int which = 0; which < 3; which++) {
            SplittableRandom random = new SplittableRandom(12);
            Tensor[] qkv = inputs(c, random);
            Tensor gradOut = Tensor.of(gaussian(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
            for (int i = 0; i < 3; i++) {
                if (i != which) {
                    qkv[i] = Tensor.of(qkv[i].data(), qkv[i].shape());
                }
            }
            new FlashAttention().forward(qkv[0], qkv[1], qkv[2], AttentionMask.CAUSAL).output().mul(gradOut).sum().backward();
            float[] expected = which == 0 ? all.dq : which == 1 ? all.dk : all.dv;
            assertRelativelyClose(qkv[which].grad(), expected, "grad " + "qkv".charAt(which) + " alone");
            for (int i = 0; i < 3; i++) {
                if (i != which) {
                    assertThat(qkv[i].grad()).isNull();
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() {
        Case c = new Case("threads", 2, 4, 2, 150, 150, 32, true, new int[] {150, 99}, 32, 32);
        int threads = Parallel.threads();
        try {
            for (FlashAttention.BackwardPlan plan : FlashAttention.BackwardPlan.values()) {
                FlashAttention flash = new FlashAttention(new FlashAttentionOptions(32, 32), plan);
                Parallel.setThreads(1);
                Run one = run(flash, c, 13);
                Parallel.setThreads(3);
                Run three = run(flash, c, 13);
                assertThat(three.out).as("out").containsExactly(one.out);
                assertThat(three.lse).as("lse").containsExactly(one.lse);
                assertThat(three.dq).as("dq").containsExactly(one.dq);
                assertThat(three.dk).as("dk").containsExactly(one.dk);
                assertThat(three.dv).as("dv").containsExactly(one.dv);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void gradientsAccumulateIntoExistingGradients() {
        Case c = new Case("twice", 1, 2, 2, 20, 20, 16, true, null, 8, 8);
        SplittableRandom random = new SplittableRandom(14);
        Tensor[] qkv = inputs(c, random);
        Tensor gradOut = Tensor.of(gaussian(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
        Attention flash = new FlashAttention();
        flash.forward(qkv[0], qkv[1], qkv[2], AttentionMask.CAUSAL).output().mul(gradOut).sum().backward();
        float[] once = qkv[1].grad().clone();
        flash.forward(qkv[0], qkv[1], qkv[2], AttentionMask.CAUSAL).output().mul(gradOut).sum().backward();
        double[] doubled = toDouble(once);
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] *= 2;
        }
        assertClose(qkv[1].grad(), doubled, 1e-6, "grad k after two backward passes");
    }

    // ---------------------------------------------------------------------------------------------

    record Run(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {
    }

    static Tensor[] inputs(Case c, SplittableRandom random) {
        return new Tensor[] {
            Tensor.parameter(gaussian(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim),
            Tensor.parameter(gaussian(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim),
            Tensor.parameter(gaussian(random, c.batch * c.kvHeads * c.tk * c.dim), c.batch, c.kvHeads, c.tk, c.dim),
        };
    }

    /** Forward and backward with {@code grad_out} random, all from {@code seed}. */
    static Run run(Attention attention, Case c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor[] qkv = inputs(c, random);
        Tensor gradOut = Tensor.of(gaussian(random, c.batch * c.heads * c.tq * c.dim), c.batch, c.heads, c.tq, c.dim);
        AttentionResult result = attention.forward(qkv[0], qkv[1], qkv[2], new AttentionMask(c.causal, c.keyLengths));
        result.output().mul(gradOut).sum().backward();
        return new Run(result.output().data(), result.logSumExp().data(), qkv[0].grad(), qkv[1].grad(), qkv[2].grad());
    }
}
