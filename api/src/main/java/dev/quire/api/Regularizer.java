package dev.quire.api;

import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A component of kind {@link ComponentKind#REGULARIZER}: hooks into the training loop at fixed
 * points. Each hook has a neutral default, so a regularizer overrides only what it needs; a third
 * party adds one (say, stochastic depth) without touching the model.
 *
 * <p>Order within a step: {@link #activation} during the forward pass, {@link #penalty} added to
 * the loss, backward, {@link #beforeStep} on the gradients, the optimizer step, and after each
 * validation {@link #afterValidation}. What a regularizer carries between validations it returns from
 * {@link #state()}, for checkpoints.
 */
public interface Regularizer {

    /**
     * Transforms an activation during the forward pass (dropout). Must return {@code x} unchanged
     * when {@code context.training()} is false.
     */
    default Tensor activation(ActivationSite site, Tensor x, TrainingContext context) {
        return x;
    }

    /** A term added to the loss (an L2 penalty), or null for none. */
    default Tensor penalty(List<Parameter> parameters) {
        return null;
    }

    /** Acts on gradients after backward, before the optimizer step (clipping). */
    default void beforeStep(List<Parameter> parameters) {
    }

    /**
     * Dropout rate on the attention probabilities during training, in {@code [0, 1)}; 0 for none.
     * The model passes it to {@link Attention#forward(dev.quire.tensor.Tensor, dev.quire.tensor.Tensor,
     * dev.quire.tensor.Tensor, AttentionMask, AttentionDropout)} with a fresh seed per layer and step
     * (attention computes the probabilities inside, so an {@link #activation} hook cannot reach them).
     */
    default double attentionDropout() {
        return 0.0;
    }

    /** Label smoothing to use in the cross-entropy, in {@code [0, 1)}; 0 for none. */
    default double labelSmoothing() {
        return 0.0;
    }

    /**
     * Called after each validation. Returning {@link Verdict#STOP} ends training; the trainer then
     * restores the best weights it kept if {@link #restoreBestOnStop()}.
     */
    default Verdict afterValidation(long step, double validationLoss) {
        return Verdict.CONTINUE;
    }

    /** Whether stopping should restore the weights of the best validation loss. */
    default boolean restoreBestOnStop() {
        return false;
    }

    /**
     * What this regularizer carries from one validation to the next (an early-stopping counter, the best
     * loss so far), as named numbers a checkpoint stores so that a resumed run goes on where the saved
     * one stood; empty, the default, when it carries nothing.
     */
    default Map<String, Double> state() {
        return Map.of();
    }

    /**
     * Puts back what {@link #state()} returned when the run was saved, before a resumed run goes on.
     *
     * @throws IllegalArgumentException if {@code state} is not one this regularizer writes
     */
    default void restoreState(Map<String, Double> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(this + " keeps no state between validations, but was given "
                    + state.keySet());
        }
    }

    /** Whether training goes on. */
    enum Verdict { CONTINUE, STOP }
}
