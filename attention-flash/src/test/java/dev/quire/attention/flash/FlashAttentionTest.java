package dev.quire.attention.flash;

import static dev.quire.api.testing.AttentionComparisons.assertClose;
import static dev.quire.api.testing.AttentionComparisons.repeatHeads;
import static dev.quire.api.testing.AttentionComparisons.sumHeads;
import static dev.quire.api.testing.AttentionComparisons.toDouble;
import static dev.quire.api.testing.AttentionComparisons.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Attention;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.testing.AttentionCases;
import dev.quire.tensor.Tensor;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Holds {@link FlashAttention} against PyTorch's numbers and against simple cases worked by hand. */
class FlashAttentionTest {

    private static AttentionCases reference;

    private final Attention attention = new FlashAttention();

    @BeforeAll
    static void open() {
        reference = AttentionCases.load();
    }

    /** The fixture with the default tiles and with tiles that cut T = 37 unevenly, under both backward plans. */
    static FlashAttention[] variants() {
        return new FlashAttention[] {
            new FlashAttention(),
            new FlashAttention(FlashAttentionOptions.DEFAULTS, FlashAttention.BackwardPlan.SPLIT),
            new FlashAttention(new FlashAttentionOptions(16, 8), FlashAttention.BackwardPlan.FUSED),
            new FlashAttention(new FlashAttentionOptions(5, 7), FlashAttention.BackwardPlan.SPLIT),
        };
    }

    enum Variant {
        DEFAULT, DEFAULT_SPLIT, TILES_16x8_FUSED, TILES_5x7_SPLIT;

        FlashAttention attention() {
            return variants()[ordinal()];
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void fullAttentionMatchesPyTorch(Variant variant) {
        reference.checkFull(variant.attention());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void causalAttentionMatchesPyTorch(Variant variant) {
        reference.checkCausal(variant.attention());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void decodingTheLastFiveQueriesAgainstAllKeysMatchesPyTorch(Variant variant) {
        reference.checkDecode(variant.attention());
    }

    @Test
    void aSingleKeyGetsProbabilityOneAndPassesNoGradientToScores() {
        // T = 1: softmax over one key is 1, so out = v, lse = q·k/sqrt(D), dq = dk = 0, dv = dO.
        SplittableRandom random = new SplittableRandom(1);
        Tensor q = Tensor.parameter(uniform(random, 2 * 2 * 4), 2, 2, 1, 4);
        Tensor k = Tensor.parameter(uniform(random, 2 * 2 * 4), 2, 2, 1, 4);
        Tensor v = Tensor.parameter(uniform(random, 2 * 2 * 4), 2, 2, 1, 4);
        Tensor gradOut = Tensor.of(uniform(random, 2 * 2 * 4), 2, 2, 1, 4);

        AttentionResult result = attention.forward(q, k, v, AttentionMask.CAUSAL);
        result.output().mul(gradOut).sum().backward();

        assertThat(result.output().data()).containsExactly(v.data());
        for (int bh = 0; bh < 4; bh++) {
            double dot = 0;
            for (int c = 0; c < 4; c++) {
                dot += q.data()[bh * 4 + c] * k.data()[bh * 4 + c];
            }
            assertThat((double) result.logSumExp().data()[bh]).isCloseTo(dot / 2, Offset.offset(1e-6));
        }
        // Zero up to rounding: rowsum(dO∘O) and dO·v round differently in float32.
        assertClose(q.grad(), new double[q.size()], 1e-7, "grad q");
        assertClose(k.grad(), new double[k.size()], 1e-7, "grad k");
        assertThat(v.grad()).containsExactly(gradOut.data());
    }

    @Test
    void groupedQueryAttentionEqualsRepeatingTheKeyValueHead() {
        // Four query heads share one key/value head; the same as giving each head its own copy.
        int b = 2, h = 4, t = 9, dim = 8;
        SplittableRandom random = new SplittableRandom(2);
        float[] qData = uniform(random, b * h * t * dim);
        float[] kData = uniform(random, b * t * dim);
        float[] vData = uniform(random, b * t * dim);
        Tensor gradOut = Tensor.of(uniform(random, b * h * t * dim), b, h, t, dim);

        Tensor q1 = Tensor.parameter(qData.clone(), b, h, t, dim);
        Tensor k1 = Tensor.parameter(kData.clone(), b, 1, t, dim);
        Tensor v1 = Tensor.parameter(vData.clone(), b, 1, t, dim);
        AttentionResult grouped = attention.forward(q1, k1, v1, AttentionMask.CAUSAL);
        grouped.output().mul(gradOut).sum().backward();

        Tensor q2 = Tensor.parameter(qData.clone(), b, h, t, dim);
        Tensor k2 = Tensor.parameter(repeatHeads(kData, b, h, t * dim), b, h, t, dim);
        Tensor v2 = Tensor.parameter(repeatHeads(vData, b, h, t * dim), b, h, t, dim);
        AttentionResult repeated = attention.forward(q2, k2, v2, AttentionMask.CAUSAL);
        repeated.output().mul(gradOut).sum().backward();

        assertClose(grouped.output().data(), toDouble(repeated.output().data()), 1e-6, "grouped out");
        assertClose(grouped.logSumExp().data(), toDouble(repeated.logSumExp().data()), 1e-6, "grouped lse");
        assertClose(q1.grad(), toDouble(q2.grad()), 1e-6, "grouped grad q");
        // The shared head's gradient is the sum over the heads that used it.
        assertClose(k1.grad(), sumHeads(k2.grad(), b, h, t * dim), 1e-5, "grouped grad k");
        assertClose(v1.grad(), sumHeads(v2.grad(), b, h, t * dim), 1e-5, "grouped grad v");
    }

    @Test
    void paddingEqualsAttendingToTheValidKeysOnly() {
        int t = 7, dim = 4, valid = 4;
        SplittableRandom random = new SplittableRandom(3);
        float[] qData = uniform(random, 2 * t * dim);
        float[] kData = uniform(random, 2 * t * dim);
        float[] vData = uniform(random, 2 * t * dim);

        AttentionResult padded = attention.forward(Tensor.of(qData, 1, 2, t, dim), Tensor.of(kData, 1, 2, t, dim),
                Tensor.of(vData, 1, 2, t, dim), new AttentionMask(false, new int[] {valid}));
        AttentionResult truncated = attention.forward(Tensor.of(qData, 1, 2, t, dim),
                Tensor.of(kData, 1, 2, t, dim).slice(2, 0, valid), Tensor.of(vData, 1, 2, t, dim).slice(2, 0, valid),
                AttentionMask.NONE);

        assertClose(padded.output().data(), toDouble(truncated.output().data()), 1e-6, "padded out");
        assertClose(padded.logSumExp().data(), toDouble(truncated.logSumExp().data()), 1e-6, "padded lse");
    }

    @ParameterizedTest
    @EnumSource(FlashAttention.BackwardPlan.class)
    void queriesThatSeeNoKeyGiveZerosMinusInfinityAndNoGradient(FlashAttention.BackwardPlan plan) {
        // Batch element 0 has no valid key at all; in element 1 every query sees 3 keys.
        int t = 5, dim = 4;
        SplittableRandom random = new SplittableRandom(4);
        Tensor q = Tensor.parameter(uniform(random, 2 * t * dim), 2, 1, t, dim);
        Tensor k = Tensor.parameter(uniform(random, 2 * t * dim), 2, 1, t, dim);
        Tensor v = Tensor.parameter(uniform(random, 2 * t * dim), 2, 1, t, dim);
        Tensor gradOut = Tensor.of(uniform(random, 2 * t * dim), 2, 1, t, dim);

        AttentionResult result = new FlashAttention(FlashAttentionOptions.DEFAULTS, plan)
                .forward(q, k, v, new AttentionMask(false, new int[] {0, 3}));
        result.output().mul(gradOut).sum().backward();

        float[] out = result.output().data();
        float[] lse = result.logSumExp().data();
        for (int i = 0; i < t * dim; i++) {
            assertThat(out[i]).as("output of a fully masked query").isZero();
            assertThat(q.grad()[i]).as("grad q of a fully masked query").isZero();
            assertThat(k.grad()[i]).as("grad k of batch element without valid keys").isZero();
            assertThat(v.grad()[i]).as("grad v of batch element without valid keys").isZero();
        }
        for (int i = 0; i < t; i++) {
            assertThat(lse[i]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(lse[t + i]).isFinite();
        }
        assertThat(out).doesNotContain(Float.NaN);
        assertThat(q.grad()).doesNotContain(Float.NaN);
        // Keys 3 and 4 of element 1 are padding: they get no gradient.
        for (int i = t * dim + 3 * dim; i < 2 * t * dim; i++) {
            assertThat(k.grad()[i]).isZero();
            assertThat(v.grad()[i]).isZero();
        }
    }

    @Test
    void causalQueriesBeforeTheFirstKeySeeNothing() {
        // Tq > Tk: query i sits at position Tk - Tq + i, so the first Tq - Tk queries see no key.
        SplittableRandom random = new SplittableRandom(5);
        Tensor q = Tensor.parameter(uniform(random, 4 * 3), 1, 1, 4, 3);
        Tensor k = Tensor.parameter(uniform(random, 2 * 3), 1, 1, 2, 3);
        Tensor v = Tensor.parameter(uniform(random, 2 * 3), 1, 1, 2, 3);

        AttentionResult result = attention.forward(q, k, v, AttentionMask.CAUSAL);
        result.output().sum().backward();

        assertThat(result.logSumExp().data()[0]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(result.logSumExp().data()[1]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(result.logSumExp().data()[2]).isFinite();
        // Query 2 sees exactly key 0: its output is v[0].
        for (int c = 0; c < 3; c++) {
            assertThat(result.output().data()[2 * 3 + c]).isEqualTo(v.data()[c]);
        }
        for (int i = 0; i < 2 * 3; i++) {
            assertThat(result.output().data()[i]).isZero();
            assertThat(q.grad()[i]).isZero();
        }
    }

    @Test
    void noKeysAtAllGiveZerosAndMinusInfinityAndNoQueriesGiveEmptyResults() {
        Tensor q = Tensor.parameter(new float[2 * 3 * 4], 1, 2, 3, 4);
        Tensor k = Tensor.parameter(new float[0], 1, 2, 0, 4);
        Tensor v = Tensor.parameter(new float[0], 1, 2, 0, 4);
        AttentionResult none = attention.forward(q, k, v, AttentionMask.CAUSAL);
        none.output().sum().backward();
        assertThat(none.output().data()).containsOnly(0f);
        assertThat(none.logSumExp().data()).containsOnly(Float.NEGATIVE_INFINITY);
        assertThat(q.grad()).containsOnly(0f);

        AttentionResult empty = attention.forward(Tensor.zeros(1, 2, 0, 4), Tensor.zeros(1, 2, 5, 4), Tensor.zeros(1, 2, 5, 4),
                AttentionMask.NONE);
        assertThat(empty.output().shape()).containsExactly(1, 2, 0, 4);
        assertThat(empty.logSumExp().shape()).containsExactly(1, 2, 0);
    }

    @Test
    void inconsistentShapesAreRejectedNamingThem() {
        Tensor q = Tensor.zeros(1, 3, 4, 8);
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 2, 4, 8), Tensor.zeros(1, 2, 4, 8), AttentionMask.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple").hasMessageContaining("[1, 2, 4, 8]");
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 3, 4, 7), Tensor.zeros(1, 3, 4, 7), AttentionMask.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head width");
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 3, 4, 8), Tensor.zeros(1, 3, 5, 8), AttentionMask.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same shape");
        assertThatThrownBy(() -> attention.forward(Tensor.zeros(3, 4, 8), Tensor.zeros(1, 3, 4, 8), Tensor.zeros(1, 3, 4, 8),
                AttentionMask.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, H, T, D]");
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 3, 4, 8), Tensor.zeros(1, 3, 4, 8),
                new AttentionMask(false, new int[] {5}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key length 5");
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 3, 4, 8), Tensor.zeros(1, 3, 4, 8),
                new AttentionMask(false, new int[] {1, 2}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 key lengths for a batch of 1");
        assertThatThrownBy(() -> attention.forward(q, Tensor.zeros(1, 3, 4, 8), Tensor.zeros(1, 3, 4, 8), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask");
    }

    @Test
    void optionsAreValidatedNamingTheOptionAndItsRange() {
        assertThat(FlashAttentionOptions.DEFAULTS).isEqualTo(new FlashAttentionOptions(64, 64));
        assertThatThrownBy(() -> new FlashAttentionOptions(0, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queryTile").hasMessageContaining("[1, 1024]").hasMessageContaining("got 0");
        assertThatThrownBy(() -> new FlashAttentionOptions(64, 2000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyTile").hasMessageContaining("[1, 1024]").hasMessageContaining("got 2000");
        assertThat(new FlashAttentionOptions(1, 1024).keyTile()).isEqualTo(1024);
    }

    @Test
    void theProviderIsFoundThroughServiceLoader() {
        // The tests run inside this module, which (being a provider, not a consumer) declares no `uses`.
        getClass().getModule().addUses(ComponentProvider.class);
        ComponentProvider<?, ?> found = ServiceLoader.load(ComponentProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.kind() == ComponentKind.ATTENTION && p.id().equals("flash"))
                .findFirst().orElseThrow();
        assertThat(found.version()).isEqualTo("0.1.0");
        assertThat(found.description()).isNotBlank();
        assertThat(found.optionsType()).isEqualTo(FlashAttentionOptions.class);
        assertThat(found.defaultOptions()).isEqualTo(FlashAttentionOptions.DEFAULTS);
        Object created = found.createUnchecked(new FlashAttentionOptions(32, 16));
        assertThat(created).isInstanceOf(FlashAttention.class);
        assertThat(((FlashAttention) created).options()).isEqualTo(new FlashAttentionOptions(32, 16));
        assertThatThrownBy(() -> found.createUnchecked(new FlashAttentionOptionsLookalike()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FlashAttentionOptions");
    }

    private record FlashAttentionOptionsLookalike() {
    }
}
