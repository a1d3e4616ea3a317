package dev.quire.api;

import java.util.List;
import java.util.Map;

/**
 * One alignment run of an {@link AlignmentMethod}: each {@link #update} performs the method's full update for
 * one batch (for PPO: sampling, scoring, several epochs of minibatches) and reports its metrics.
 */
@Experimental
public interface AlignmentRun extends ParameterSource {

    /**
     * Performs one update.
     *
     * @return metrics of this update by name, in a stable order (DPO: {@code loss}, {@code rewards/chosen},
     *         {@code rewards/rejected}, {@code rewards/margins}, {@code rewards/accuracies}; PPO and GRPO:
     *         {@code reward}, {@code kl}, {@code entropy}, ...)
     * @throws IllegalArgumentException if the batch lacks what the method reads (preferences for DPO,
     *                                  prompts for PPO and GRPO)
     */
    Map<String, Double> update(AlignmentBatch batch);

    /**
     * The parameters the method adds beside the policy's, with their names (PPO: {@code value_head.weight},
     * {@code value_head.bias}); empty for DPO and GRPO. A checkpoint of the run saves them next to the policy.
     */
    @Override
    List<Parameter> parameters();

    /** The optimizer over the policy's groups and {@link #parameters()}; a schedule sets its learning rate. */
    Optimizer optimizer();
}
