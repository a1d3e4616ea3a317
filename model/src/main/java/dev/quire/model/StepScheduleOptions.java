package dev.quire.model;

/**
 * Options of {@code schedule: step}.
 *
 * @param stepSize    multiply the rate by {@code gamma} every this many steps, at least 1
 * @param gamma       the factor, in {@code (0, 1]}
 * @param warmupSteps steps of linear warm-up, {@code >= 0}
 */
public record StepScheduleOptions(long stepSize, double gamma, long warmupSteps) {
    public StepScheduleOptions {
        if (stepSize < 1) {
            throw new IllegalArgumentException("stepSize must be at least 1, got " + stepSize);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }
}
