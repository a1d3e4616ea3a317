package dev.quire.attention.flash;

import static dev.quire.api.testing.AttentionComparisons.maxError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.AttentionMask;
import dev.quire.api.testing.AttentionComparisons;
import dev.quire.api.testing.AttentionReference;
import dev.quire.attention.flash.FlashVersusStandardTest.Case;
import dev.quire.attention.flash.FlashVersusStandardTest.Run;
import dev.quire.attention.standard.StandardAttention;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FlashAttention repository's own criterion, against float64: on random inputs up to T = 1024,
 * flash's largest absolute error (output, log-sum-exp, each gradient) is at most twice that of the
 * standard float32 implementation. Both are judged against the true value computed in double from the
 * same float32 inputs, not against each other.
 */
class FlashAccuracyTest {

    static {
        Numerics.readStandardAttention();
    }

    static List<Case> cases() {
        return List.of(
                new Case("T=1024 causal D=64", 1, 2, 2, 1024, 1024, 64, true, null, 64, 64),
                new Case("T=1024 full D=64", 1, 1, 1, 1024, 1024, 64, false, null, 64, 64),
                new Case("T=1000 causal D=20 grouped-query 4:1", 1, 4, 1, 1000, 1000, 20, true, null, 64, 64),
                new Case("decode 16 queries against 1024 keys", 2, 2, 2, 16, 1024, 64, true, null, 64, 64),
                new Case("T=517 causal, padded to 300 and 0 keys", 3, 2, 2, 517, 517, 32, true, new int[] {517, 300, 0}, 64, 64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flashErrorIsAtMostTwiceStandardErrorAgainstFloat64(Case c) {
        long seed = Long.getLong("quire.flash.seed", 21);
        Run standard = FlashVersusStandardTest.run(new StandardAttention(), c, seed);
        Run flash = FlashVersusStandardTest.run(new FlashAttention(new FlashAttentionOptions(c.queryTile(), c.keyTile())), c, seed);

        SplittableRandom random = new SplittableRandom(seed);
        var qkv = FlashVersusStandardTest.inputs(c, random);
        float[] gradOut = AttentionComparisons.gaussian(random, c.batch() * c.heads() * c.tq() * c.dim());
        AttentionReference exact = AttentionReference.of(qkv[0].data(), qkv[1].data(), qkv[2].data(), gradOut, c.batch(),
                c.heads(), c.kvHeads(), c.tq(), c.tk(), c.dim(), new AttentionMask(c.causal(), c.keyLengths()), null);

        check(c, "out", flash.out(), standard.out(), exact.out());
        check(c, "lse", flash.lse(), standard.lse(), exact.lse());
        check(c, "grad q", flash.dq(), standard.dq(), exact.dq());
        check(c, "grad k", flash.dk(), standard.dk(), exact.dk());
        check(c, "grad v", flash.dv(), standard.dv(), exact.dv());
    }

    private static void check(Case c, String what, float[] flash, float[] standard, double[] exact) {
        double flashError = maxError(flash, exact);
        double standardError = maxError(standard, exact);
        System.out.printf(Locale.ROOT, "accuracy %-40s %-6s flash %.3e  standard %.3e  ratio %.2f%n", c.name(), what,
                flashError, standardError, flashError / standardError);
        assertThat(standardError).as("%s %s: standard's own error", c, what).isLessThan(1e-4);
        assertThat(flashError).as("%s %s: flash's max error vs 2 × standard's %s", c, what, standardError)
                .isLessThanOrEqualTo(2 * standardError);
    }
}
