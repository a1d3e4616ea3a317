package dev.quire.model;

/**
 * How a {@link Trainer#run()} ended.
 *
 * @param steps          steps done in all (counting those before a resume)
 * @param lastEvaluation the last loss estimate, or null if none was taken
 * @param stoppedEarly   whether a regularizer (early stopping) ended the run before its last step
 */
public record TrainingResult(long steps, EvalReport lastEvaluation, boolean stoppedEarly) {
}
