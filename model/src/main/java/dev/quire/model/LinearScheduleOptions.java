package dev.quire.model;

/**
 * Options of {@code schedule: linear}.
 *
 * @param warmupSteps      steps of linear warm-up, {@code >= 0}
 * @param decaySteps       the step at which the rate reaches {@code minLearningRate}; 0 means the length
 *                         of the run; not shorter than {@code warmupSteps}
 * @param minLearningRate  the floor the rate decays to and stays at, {@code >= 0}
 */
public record LinearScheduleOptions(long warmupSteps, long decaySteps, double minLearningRate) {
    public LinearScheduleOptions {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (decaySteps < 0) {
            throw new IllegalArgumentException("decaySteps must be >= 0 (0 = the run's length), got " + decaySteps);
        }
        if (decaySteps > 0 && decaySteps < warmupSteps) {
            throw new IllegalArgumentException("decaySteps (" + decaySteps + ") must not be shorter than warmupSteps ("
                    + warmupSteps + ")");
        }
        if (!(minLearningRate >= 0) || Double.isInfinite(minLearningRate)) {
            throw new IllegalArgumentException("minLearningRate must be a number >= 0, got " + minLearningRate);
        }
    }
}
