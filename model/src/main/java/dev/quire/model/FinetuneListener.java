package dev.quire.model;

/**
 * Told about every step and every evaluation of a {@link Finetuner}; the runtime reports and
 * checkpoints here. Called on the training thread, between steps.
 */
public interface FinetuneListener {

    /** After optimizer step {@code report.step()} (1-based count of steps done). */
    default void afterStep(Finetuner finetuner, StepReport report) {
    }

    /** After an evaluation of the completion loss ({@code trainLoss} and {@code validationLoss} of the report). */
    default void afterEval(Finetuner finetuner, EvalReport report) {
    }
}
