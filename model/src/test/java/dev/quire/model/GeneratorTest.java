package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    private static final GptConfig CONFIG = new GptConfig(13, 8, 2, 2, 16, true, true, Tensor.Gelu.TANH, 1e-5f);

    /** Random weights with a larger spread than nanoGPT's init, so that the logits are far from uniform. */
    private static Gpt model() {
        Gpt gpt = new Gpt(CONFIG, Fixtures.attention(), Fixtures.learned(), List.of(), 11);
        Rng rng = new Rng(12);
        gpt.parameters().forEach(p -> {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) rng.nextGaussian() * 0.5f;
            }
        });
        return gpt;
    }

    private static final TrainingContext INFERENCE = new TrainingContext(false, 0, new Rng(0));

    /** nanoGPT's generate() without a cache: crop to the context, run everything, argmax the last row. */
    private static int[] greedyByRecomputation(Gpt gpt, int[] prompt, int count) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + count);
        int length = prompt.length;
        try (var noGrad = Grad.disabled()) {
            for (int n = 0; n < count; n++) {
                int start = Math.max(0, length - CONFIG.contextLength());
                int[] window = Arrays.copyOfRange(sequence, start, length);
                Tensor logits = gpt.logits(window, 1, window.length, INFERENCE);
                float[] last = logits.slice(1, window.length - 1, window.length).data();
                sequence[length++] = argMax(last);
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    @Test
    void greedyDecodingWithTheCacheEqualsRecomputingEverything() {
        Gpt gpt = model();
        int[] prompt = {3, 1, 4};
        // 20 new tokens: the sequence outgrows the context of 8, exercising the re-encoding fallback.
        int[] cached = Generator.generate(gpt, prompt, 20, SamplingConfig.GREEDY, new Rng(1));
        int[] recomputed = greedyByRecomputation(gpt, prompt, 20);
        assertThat(cached).containsExactly(recomputed);
        assertThat(Arrays.stream(cached).distinct().count()).as("a non-trivial sequence").isGreaterThan(1);
    }

    @Test
    void cachedLogitsEqualTheFullForwardPass() {
        Gpt gpt = model();
        int[] tokens = {5, 2, 7, 7, 1, 0, 12, 3};
        try (var noGrad = Grad.disabled()) {
            Tensor full = gpt.logits(tokens, 1, tokens.length, INFERENCE); // [1, 8, V]
            KvCache cache = gpt.newCache(1);
            Tensor prefix = gpt.logits(Arrays.copyOf(tokens, 3), 1, 3, INFERENCE, cache, false); // positions 0..2
            assertClose(prefix.data(), full.slice(1, 0, 3).data(), 1e-5f);
            for (int t = 3; t < tokens.length; t++) {
                Tensor step = gpt.logits(new int[] {tokens[t]}, 1, 1, INFERENCE, cache, true);
                assertClose(step.data(), full.slice(1, t, t + 1).data(), 1e-5f);
            }
            assertThat(cache.length()).isEqualTo(8);
            assertThatThrownBy(() -> gpt.logits(new int[] {1}, 1, 1, INFERENCE, cache, true))
                    .hasMessageContaining("exceed the context length 8");
        }
    }

    @Test
    void theCacheIsForInferenceOnly() {
        Gpt gpt = model();
        KvCache cache = gpt.newCache(1);
        assertThatThrownBy(() -> gpt.logits(new int[] {1}, 1, 1, INFERENCE, cache, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Grad.disabled()");
    }

    @Test
    void topKOfOneIsGreedy() {
        Gpt gpt = model();
        int[] prompt = {2, 9};
        int[] topOne = Generator.generate(gpt, prompt, 12, new SamplingConfig(1.5, 1, 1), new Rng(3));
        assertThat(topOne).containsExactly(Generator.generate(gpt, prompt, 12, SamplingConfig.GREEDY, new Rng(4)));
    }

    @Test
    void aPromptLongerThanTheContextIsCroppedToItsLastWindow() {
        Gpt gpt = model();
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        int[] tail = Arrays.copyOfRange(prompt, prompt.length - CONFIG.contextLength(), prompt.length);
        assertThat(Generator.generate(gpt, prompt, 5, SamplingConfig.of(1.0), new Rng(5)))
                .containsExactly(Generator.generate(gpt, tail, 5, SamplingConfig.of(1.0), new Rng(5)));
    }

    @Test
    void samplingIsDeterministicUnderASeedAndReportsEachToken() {
        Gpt gpt = model();
        StringBuilder streamed = new StringBuilder();
        int[] a = Generator.generate(gpt, new int[] {0}, 30, new SamplingConfig(1.0, 5, 0.9), new Rng(6),
                t -> streamed.append(t).append(','));
        int[] b = Generator.generate(gpt, new int[] {0}, 30, new SamplingConfig(1.0, 5, 0.9), new Rng(6));
        assertThat(a).containsExactly(b).hasSize(30);
        assertThat(streamed.toString()).isEqualTo(Arrays.stream(a).mapToObj(t -> t + ",").reduce("", String::concat));
        assertThat(Generator.generate(gpt, new int[] {0}, 0, SamplingConfig.GREEDY, new Rng(0))).isEmpty();
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // Probabilities 0.5, 0.3, 0.1, 0.1 (in scrambled order).
        float[] logits = logitsOf(0.1, 0.5, 0.1, 0.3);
        int[] counts = histogram(logits, new SamplingConfig(1.0, 0, 0.75), 4000);
        // 0.5 < 0.75 <= 0.5 + 0.3: the nucleus is {1, 3}, renormalized to 5/8 and 3/8.
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isZero();
        assertThat(counts[1] / 4000.0).isBetween(0.58, 0.67);

        assertThat(histogram(logits, new SamplingConfig(1.0, 0, 0.45), 500)[1]).isEqualTo(500);
    }

    @Test
    void topKKeepsTheKMostLikelyAndTemperatureFollowsTheSoftmax() {
        float[] logits = logitsOf(0.1, 0.5, 0.1, 0.3);
        int[] topTwo = histogram(logits, new SamplingConfig(1.0, 2, 1.0), 4000);
        assertThat(topTwo[0] + topTwo[2]).isZero();
        int[] plain = histogram(logits, SamplingConfig.of(1.0), 20000);
        assertThat(plain[1] / 20000.0).isBetween(0.48, 0.52);
        assertThat(plain[0] / 20000.0).isBetween(0.09, 0.11);
    }

    @Test
    void badRequestsAreRejected() {
        Gpt gpt = model();
        assertThatThrownBy(() -> Generator.generate(gpt, new int[0], 3, SamplingConfig.GREEDY, new Rng(0)))
                .hasMessageContaining("at least one token");
        assertThatThrownBy(() -> new SamplingConfig(-1, 0, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingConfig(1, -1, 1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new SamplingConfig(1, 0, 0)).hasMessageContaining("topP");
    }

    private static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    private static int[] histogram(float[] logits, SamplingConfig sampling, int draws) {
        Rng rng = new Rng(99);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[Generator.sample(logits, sampling, rng)]++;
        }
        return counts;
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("index %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }
}
