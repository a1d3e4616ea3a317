package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.TrainingContext;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogProbsTest {

    private static final TrainingContext EVAL = new TrainingContext(false, 0, new Rng(0));

    @Test
    void paddedBatchGivesTheLogProbsOfEachSequenceRunAlone() {
        Gpt gpt = Tiny.gpt(11, 12, 16, 3);
        List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4}, new int[] {5, 6});
        List<int[]> completions = List.of(new int[] {7, 8}, new int[] {9, 10, 1, 2, 3, 4}, new int[] {2});
        SequenceBatch padded = SequenceBatch.of(prompts, completions);
        assertThat(padded.time()).isEqualTo(7);
        try (var noGrad = Grad.disabled()) {
            float[] batched = LogProbs.sequences(gpt, padded, EVAL).data();
            float[] perToken = LogProbs.tokens(gpt, padded, EVAL).data();
            for (int b = 0; b < 3; b++) {
                SequenceBatch alone = SequenceBatch.of(List.of(prompts.get(b)), List.of(completions.get(b)));
                float expected = LogProbs.sequences(gpt, alone, EVAL).item();
                assertThat(batched[b]).as("sequence %d", b).isCloseTo(expected, within(1e-5f));
                // The same sum by hand from the logits: each completion token given its prefix.
                Tensor logits = gpt.logits(alone.tokens(), 1, alone.time(), EVAL).logSoftmax(-1); // [1, T, V]
                double manual = 0;
                int[] sequence = alone.tokens();
                for (int t = prompts.get(b).length; t < sequence.length; t++) {
                    manual += logits.get(0, t - 1, sequence[t]);
                }
                assertThat((double) expected).isCloseTo(manual, within(1e-5));
                // Prompt and padding positions contribute exactly nothing.
                for (int t = 0; t < padded.time(); t++) {
                    int pos = b * padded.time() + t;
                    boolean completion = t >= prompts.get(b).length - 1 && t < padded.lengths()[b] - 1;
                    if (!completion) {
                        assertThat(perToken[pos]).isZero();
                    } else {
                        assertThat(perToken[pos]).isNegative();
                    }
                }
            }
        }
    }

    @Test
    void logitsFromFeaturesEqualTheModelsLogits() {
        Gpt gpt = Tiny.gpt(7, 6, 16, 5);
        GptPolicy policy = new GptPolicy(gpt);
        int[] tokens = {1, 2, 3, 4, 5, 6, 0, 1};
        try (var noGrad = Grad.disabled()) {
            float[] direct = gpt.logits(tokens, 2, 4, EVAL).data();
            float[] viaFeatures = policy.logitsFromFeatures(policy.features(tokens, 2, 4, EVAL)).data();
            assertThat(viaFeatures).containsExactly(direct);
        }
    }

    @Test
    void samplerStopsAtTheStopTokenAndRespectsTheContext() {
        Gpt gpt = Tiny.gpt(5, 8, 16, 9);
        Sampler sampler = new Sampler(5, 1.0, 2);
        List<int[]> drawn = sampler.sample(new GptPolicy(gpt), new int[] {1, 3}, 200, new Rng(4));
        int stopped = 0;
        for (int[] c : drawn) {
            assertThat(c.length).isBetween(1, 5);
            for (int i = 0; i < c.length - 1; i++) {
                assertThat(c[i]).isNotEqualTo(2);
            }
            if (c[c.length - 1] == 2) {
                stopped++;
            } else {
                assertThat(c).hasSize(5);
            }
        }
        assertThat(stopped).isPositive();
        // Cached (GptPolicy) and uncached (plain model) sampling draw the same completions from the same seed.
        List<int[]> uncached = sampler.sample(gpt, new int[] {1, 3}, 200, new Rng(4));
        for (int i = 0; i < drawn.size(); i++) {
            assertThat(uncached.get(i)).containsExactly(drawn.get(i));
        }
        assertThatThrownBy(() -> new Sampler(7, 1.0, -1).sample(gpt, new int[] {1, 3}, 1, new Rng(1)))
                .hasMessageContaining("exceeds the context length 8");
    }
}
