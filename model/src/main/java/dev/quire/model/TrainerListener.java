package dev.quire.model;

/**
 * Told about every step and every evaluation of a {@link Trainer}; the runtime checkpoints here.
 * Called on the training thread, between steps: the model, optimizer and {@link Trainer#state()} are
 * consistent with each other when a method is called, so saving all three there resumes exactly.
 */
public interface TrainerListener {

    /** After optimizer step {@code report.step()} (1-based count of steps done). */
    default void afterStep(Trainer trainer, StepReport report) {
    }

    /** After an evaluation of the loss. */
    default void afterEval(Trainer trainer, EvalReport report) {
    }
}
