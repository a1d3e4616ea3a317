package dev.quire.model;

/**
 * Options of {@code schedule: cosine}, nanoGPT's {@code warmup_iters}, {@code lr_decay_iters} and
 * {@code min_lr}.
 *
 * @param warmupSteps      steps of linear warm-up, {@code >= 0}
 * @param decaySteps       the step at which the cosine reaches {@code minLearningRate}; 0 means the
 *                         length of the run
 * @param minLearningRate  the floor the rate decays to and stays at, {@code >= 0}
 */
public record CosineScheduleOptions(long warmupSteps, long decaySteps, double minLearningRate) {
    public CosineScheduleOptions {
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
