package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentReward;
import dev.quire.api.AlignmentRun;
import dev.quire.model.Gpt;
import dev.quire.rlhf.experiments.ExactOracle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnlineMethodsTest {

    /** Reward: how many completion tokens are 3. */
    private static final AlignmentReward THREES = AlignmentReward.of((prompt, completion) -> {
        int n = 0;
        for (int t : completion) {
            n += t == 3 ? 1 : 0;
        }
        return n;
    });

    @Test
    void ppoBeforeItsFirstStepHasRatioOneAndNoKl() {
        Gpt policy = Tiny.gpt(6, 8, 16, 2);
        Gpt reference = Tiny.copy(policy, 6, 8, 16);
        PpoOptions options = new PpoOptions(0.1, 1.0, 0.95, 0.2, 0.1, 2, 2, 4, 3, 1.0, 5, true);
        AlignmentRun run = new Ppo(options).start(Tiny.context(policy, reference, THREES, 1e-2));
        assertThat(run.parameters()).extracting(p -> p.name()).containsExactly("value_head.weight", "value_head.bias");
        Map<String, Double> first = run.update(AlignmentBatch.ofPrompts(List.of(new int[] {1, 2}, new int[] {4})));
        assertThat(first.get("ratio_first")).isCloseTo(1.0, within(1e-6));
        assertThat(first.get("kl")).isZero();
        assertThat(first.get("entropy")).isCloseTo(Math.log(6), within(0.05)); // an untrained model is near uniform
        assertThat(first.get("completion_length")).isBetween(1.0, 3.0);
        assertThat(first.keySet()).containsExactly("reward", "kl", "entropy", "clipfrac", "ratio", "ratio_first",
                "loss/policy", "loss/value", "completion_length");
        // After updating, the sampling policy differs from the reference: the next rollout has KL > 0.
        Map<String, Double> second = run.update(AlignmentBatch.ofPrompts(List.of(new int[] {1, 2}, new int[] {4})));
        assertThat(second.get("kl")).isNotZero();
        assertThat(second.get("ratio_first")).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void grpoBeforeItsFirstStepHasRatioOneAndNoKl() {
        Gpt policy = Tiny.gpt(6, 8, 16, 2);
        Gpt reference = Tiny.copy(policy, 6, 8, 16);
        GrpoOptions options = new GrpoOptions(4, 0.1, GrpoOptions.KlMode.K3_LOSS, 0.2, 2, 1, true, 3, 1.0, -1);
        AlignmentRun run = new Grpo(options).start(Tiny.context(policy, reference, THREES, 1e-2));
        Map<String, Double> first = run.update(AlignmentBatch.ofPrompts(List.of(new int[] {1})));
        assertThat(first.get("ratio_first")).isCloseTo(1.0, within(1e-6));
        assertThat(first.get("kl")).isZero();
        assertThat(first.get("completion_length")).isEqualTo(3.0);
        assertThat(run.parameters()).isEmpty();
    }

    @Test
    void onlineMethodsNeedARewardAndPrompts() {
        Gpt policy = Tiny.gpt(6, 8, 16, 2);
        Gpt reference = Tiny.copy(policy, 6, 8, 16);
        assertThatThrownBy(() -> new Ppo(PpoOptions.DEFAULTS).start(Tiny.context(policy, reference, null, 1e-2)))
                .hasMessageContaining("ppo: needs a reward");
        assertThatThrownBy(() -> new Grpo(GrpoOptions.DEFAULTS).start(Tiny.context(policy, reference, null, 1e-2)))
                .hasMessageContaining("grpo: needs a reward");
        assertThatThrownBy(() -> new GrpoOptions(1, 0.1, GrpoOptions.KlMode.REWARD, 0.2, 1, 1, true, 4, 1, -1))
                .hasMessageContaining("grpo: groupSize must be a number >= 2, got 1");
        assertThatThrownBy(() -> new PpoOptions(0.1, 1.5, 0.95, 0.2, 0.1, 4, 1, 1, 4, 1, -1, true))
                .hasMessageContaining("ppo: gamma must be in [0, 1], got 1.5");
        AlignmentRun run = new Ppo(new PpoOptions(0.1, 1, 0.95, 0.2, 0.1, 1, 1, 1, 7, 1, -1, true))
                .start(Tiny.context(policy, reference, THREES, 1e-2));
        assertThatThrownBy(() -> run.update(AlignmentBatch.ofPrompts(List.of(new int[] {1, 2}))))
                .hasMessageContaining("exceeds the context length 8");
    }

    /** PPO and GRPO on r itself end within TV 0.05 of π* ∝ π_ref·exp(r/β), for β 0.1 and 0.5. */
    @Test
    void exactOracleReachesTheKlRegularizedOptimum() {
        for (double beta : new double[] {0.1, 0.5}) {
            ExactOracle oracle = new ExactOracle(2);
            double start = ExactOracle.totalVariation(oracle.distribution(oracle.reference()), oracle.optimum(beta));
            assertThat(start).as("TV(π_ref, π*) at β %s", beta).isGreaterThan(0.25);
            assertThat(oracle.ppo(beta, ExactOracle.ONLINE_STEPS, ExactOracle.ONLINE_SAMPLES, 0.01)).as("PPO at β %s", beta).isLessThan(0.05);
            assertThat(oracle.grpo(beta, ExactOracle.ONLINE_STEPS, ExactOracle.ONLINE_SAMPLES, 0.01)).as("GRPO at β %s", beta).isLessThan(0.05);
        }
    }
}
