package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.Optimizer;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewardModelTest {

    private static final int VOCAB = 6;

    @Test
    void lossIsTheMeanBradleyTerryLossOverAllPairsOfTheRanking() {
        RewardModel model = new RewardModel(Tiny.gpt(VOCAB, 8, 16, 1), 2);
        TokenRanking ranking = new TokenRanking(new int[] {1, 2},
                List.of(new int[] {3}, new int[] {4, 5}, new int[] {0, 0, 1}));
        TokenRanking pair = new TokenRanking(new int[] {5}, List.of(new int[] {1, 1}, new int[] {2}));
        double[] s = model.score(List.of(ranking.prompt(), ranking.prompt(), ranking.prompt()), ranking.completions());
        double[] t = model.score(List.of(pair.prompt(), pair.prompt()), pair.completions());
        double threePairs = (bt(s[0] - s[1]) + bt(s[0] - s[2]) + bt(s[1] - s[2])) / 3;
        double expected = (threePairs + bt(t[0] - t[1])) / 2; // each ranking weighs the same
        RankingMetrics metrics = model.evaluate(List.of(ranking, pair));
        assertThat(metrics.loss()).isCloseTo(expected, within(1e-5));
        assertThat(metrics.pairs()).isEqualTo(4);
        double margin = ((s[0] - s[1]) + (s[0] - s[2]) + (s[1] - s[2]) + (t[0] - t[1])) / 4;
        assertThat(metrics.margin()).isCloseTo(margin, within(1e-5));
        // The score is read at the last real token: padding the batch with a longer sequence changes nothing.
        double alone = model.score(List.of(new int[] {5}), List.of(new int[] {2}))[0];
        assertThat(t[1]).isCloseTo(alone, within(1e-5));
    }

    private static double bt(double margin) {
        return Math.log1p(Math.exp(-margin));
    }

    @Test
    void learnsANoisyGoldRewardAndGeneralizesToHeldOutRankings() {
        Rng rng = new Rng(11);
        List<TokenRanking> train = rankings(160, rng);
        List<TokenRanking> heldOut = rankings(40, rng);
        RewardModel model = new RewardModel(Tiny.gpt(VOCAB, 8, 16, 3), 4);
        RankingMetrics before = model.evaluate(heldOut);
        Optimizer optimizer = Tiny.adamw(1e-2).create(model.optimizerGroups());
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < train.size(); i += 16) {
                model.trainStep(train.subList(i, Math.min(train.size(), i + 16)), optimizer, rng);
            }
        }
        RankingMetrics after = model.evaluate(heldOut);
        assertThat(before.accuracy()).isBetween(0.3, 0.7);
        assertThat(after.accuracy()).isGreaterThan(0.8);
        assertThat(after.margin()).isGreaterThan(0.5);
        assertThat(after.loss()).isLessThan(before.loss() - 0.2);
    }

    /** Gold reward per token (few ties between completions), summed over the completion. */
    private static final double[] GOLD = {0.0, 0.4, -0.6, 1.0, 0.25, -0.3};

    /** Rankings by gold reward plus normal(0, 0.1) noise, K = 4 random completions of 1 to 3 tokens. */
    private static List<TokenRanking> rankings(int count, Rng rng) {
        List<TokenRanking> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] prompt = {rng.nextInt(VOCAB), rng.nextInt(VOCAB)};
            List<int[]> completions = new ArrayList<>();
            Map<int[], Double> noisy = new HashMap<>();
            for (int k = 0; k < 4; k++) {
                int[] c = new int[1 + rng.nextInt(3)];
                double gold = 0;
                for (int j = 0; j < c.length; j++) {
                    c[j] = rng.nextInt(VOCAB);
                    gold += GOLD[c[j]];
                }
                completions.add(c);
                noisy.put(c, gold + 0.1 * rng.nextGaussian());
            }
            completions.sort(Comparator.comparingDouble((int[] c) -> noisy.get(c)).reversed());
            out.add(new TokenRanking(prompt, completions));
        }
        return out;
    }

    @Test
    void stateDictRoundTripsAndAPolicyCheckpointIsRejected() {
        RewardModel model = new RewardModel(Tiny.gpt(VOCAB, 8, 16, 5), 6);
        assertThat(model.stateDict()).containsKeys("transformer.wte.weight", RewardModel.HEAD_WEIGHT,
                RewardModel.HEAD_BIAS);
        model.stateDict().get(RewardModel.HEAD_BIAS).data()[0] = 0.25f;
        Map<String, float[]> saved = new HashMap<>();
        model.stateDict().forEach((name, tensor) -> saved.put(name, tensor.data().clone()));
        RewardModel restored = new RewardModel(Tiny.gpt(VOCAB, 8, 16, 77), 78);
        List<int[]> prompts = List.of(new int[] {1}, new int[] {2, 3});
        List<int[]> completions = List.of(new int[] {4, 4}, new int[] {5});
        assertThat(restored.score(prompts, completions)).isNotEqualTo(model.score(prompts, completions));
        restored.loadStateDict(saved);
        assertThat(restored.score(prompts, completions)).containsExactly(model.score(prompts, completions));
        Map<String, float[]> policyOnly = new HashMap<>(saved);
        policyOnly.remove(RewardModel.HEAD_WEIGHT);
        assertThatThrownBy(() -> restored.loadStateDict(policyOnly)).hasMessageContaining("missing reward_head.weight");
        assertThatThrownBy(() -> new TokenRanking(new int[] {1}, List.of(new int[] {2})))
                .hasMessageContaining("needs at least 2 completions");
    }
}
