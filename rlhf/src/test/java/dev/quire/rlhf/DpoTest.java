package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentRun;
import dev.quire.api.PreferencePair;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.rlhf.experiments.ExactOracle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DpoTest {

    private static final List<PreferencePair> PAIRS = List.of(
            new PreferencePair(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
            new PreferencePair(new int[] {6}, new int[] {7}, new int[] {1, 2, 3}),
            new PreferencePair(new int[] {2, 2, 2}, new int[] {0, 1}, new int[] {1, 0}));

    @Test
    void atStepZeroTheLossIsLn2AndTheImplicitRewardsAreZero() {
        Gpt policy = Tiny.gpt(8, 8, 16, 1);
        Gpt reference = Tiny.copy(policy, 8, 8, 16);
        AlignmentRun run = new Dpo(new DpoOptions(0.3)).start(Tiny.context(policy, reference, null, 1e-2));
        Map<String, Double> first = run.update(AlignmentBatch.ofPreferences(PAIRS));
        assertThat(first.get("loss")).isCloseTo(Math.log(2), within(1e-6));
        assertThat(first.get("rewards/chosen")).isZero();
        assertThat(first.get("rewards/rejected")).isZero();
        assertThat(first.get("rewards/margins")).isZero();
        assertThat(first.get("rewards/accuracies")).isZero();
        // The step moved the policy toward the chosen completions: the same batch now has positive margins.
        Map<String, Double> second = run.update(AlignmentBatch.ofPreferences(PAIRS));
        assertThat(second.get("rewards/margins")).isPositive();
        assertThat(second.get("rewards/chosen")).isGreaterThan(second.get("rewards/rejected"));
        assertThat(second.get("loss")).isLessThan(Math.log(2));
        assertThat(second.get("rewards/accuracies")).isEqualTo(1.0);
    }

    @Test
    void aReferenceOfAnotherShapeIsRejectedNamingTheParameter() {
        Gpt policy = Tiny.gpt(8, 8, 16, 1);
        Gpt wider = Tiny.gpt(8, 8, 32, 1);
        assertThatThrownBy(() -> Tiny.context(policy, wider, null, 1e-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference parameter transformer.wte.weight has shape [8, 32]")
                .hasMessageContaining("the policy's has [8, 16]");
        Gpt longer = Tiny.gpt(8, 9, 16, 1);
        assertThatThrownBy(() -> Tiny.context(policy, longer, null, 1e-2))
                .hasMessageContaining("transformer.wpe.weight has shape [9, 16]");
        assertThatThrownBy(() -> Tiny.context(policy, policy, null, 1e-2))
                .hasMessageContaining("the reference shares parameter transformer.wte.weight with the policy");
        assertThatThrownBy(() -> new DpoOptions(0)).hasMessageContaining("dpo: beta must be a number > 0, got 0.0");
        AlignmentRun run = new Dpo(DpoOptions.DEFAULTS).start(Tiny.context(policy, Tiny.copy(policy, 8, 8, 16), null, 1e-2));
        assertThatThrownBy(() -> run.update(AlignmentBatch.ofPrompts(List.of(new int[] {1}))))
                .hasMessageContaining("dpo: the batch has no preference pairs");
    }

    /**
     * DPO on preferences drawn by Bradley–Terry from r ends within TV 0.05 of π* ∝ π_ref·exp(r/β), here with half the
     * steps of the documented run.
     */
    @Test
    void exactOracleReachesTheKlRegularizedOptimum() {
        for (double beta : new double[] {0.1, 0.5}) {
            ExactOracle oracle = new ExactOracle(1);
            double start = ExactOracle.totalVariation(oracle.distribution(oracle.reference()), oracle.optimum(beta));
            double tv = oracle.dpo(beta, 1000, ExactOracle.DPO_PAIRS, 0.01);
            assertThat(start).as("TV(π_ref, π*) at β %s", beta).isGreaterThan(0.25);
            assertThat(tv).as("TV(π_dpo, π*) at β %s", beta).isLessThan(0.05);
        }
    }
}
