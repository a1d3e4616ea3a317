package dev.quire.api;

import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients, with exactly the semantics of the
 * {@code torch.optim} class of the same name. Parameters whose gradient is null are skipped (and
 * their state is not advanced), as in PyTorch.
 *
 * @see AbstractOptimizer the base class that implements all of this but the update rule
 */
public interface Optimizer {

    /** The parameter groups, as given at creation. */
    List<ParameterGroup> groups();

    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Clears the gradient of every parameter. */
    default void zeroGrad() {
        for (ParameterGroup group : groups()) {
            for (Parameter p : group.parameters()) {
                p.value().zeroGrad();
            }
        }
    }

    /** The base learning rate used by the next {@link #step()} (before per-group overrides). */
    double learningRate();

    /** Sets the base learning rate; schedules call this before each step. */
    void setLearningRate(double learningRate);

    /** A deep copy of the state; {@link #loadState} of it restores this optimizer exactly. */
    OptimizerState state();

    /**
     * Restores state saved by {@link #state()} of an optimizer of the same id over parameters of the
     * same names and sizes.
     *
     * @throws IllegalArgumentException naming the first buffer or parameter that does not match
     */
    void loadState(OptimizerState state);
}
