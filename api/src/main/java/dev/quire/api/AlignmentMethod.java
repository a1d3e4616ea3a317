package dev.quire.api;

/**
 * A preference-optimization method (DPO, PPO, GRPO): the component of kind {@link ComponentKind#ALIGNMENT}.
 *
 * <p>A method is configured by its options and holds no run state; {@link #start} binds it to a policy, a
 * frozen reference and an optimizer and returns the {@link AlignmentRun} that performs the updates (and owns
 * whatever the method adds, such as PPO's value head and the optimizer state).
 */
@Experimental
public interface AlignmentMethod {

    /**
     * Begins aligning {@code context.policy()}.
     *
     * @throws IllegalArgumentException if the context lacks what the method needs (a reward for PPO and GRPO)
     */
    AlignmentRun start(AlignmentContext context);
}
