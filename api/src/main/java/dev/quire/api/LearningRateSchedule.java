package dev.quire.api;

/**
 * The learning rate as a function of the step: the component of kind {@link ComponentKind#SCHEDULE}.
 * A pure function, so its whole state in a checkpoint is the step counter.
 */
public interface LearningRateSchedule {

    /**
     * @param step       the 0-based index of the optimizer step about to be taken
     * @param totalSteps the number of steps the run will take
     * @param baseRate   the optimizer's configured learning rate
     * @return the learning rate for that step
     */
    double learningRate(long step, long totalSteps, double baseRate);

    /**
     * Checks the schedule against a run's length before training starts.
     *
     * @throws IllegalArgumentException naming the option that does not fit (for example a warm-up
     *         longer than the run)
     */
    default void validate(long totalSteps) {
    }
}
