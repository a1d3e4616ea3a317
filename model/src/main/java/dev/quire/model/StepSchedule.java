package dev.quire.model;

import dev.quire.api.LearningRateSchedule;

/**
 * Step decay (PyTorch's {@code StepLR}) with an optional linear warm-up:
 * <pre>
 *   step &lt; warmup:   base · (step + 1) / (warmup + 1)
 *   otherwise:       base · gamma^⌊step / stepSize⌋
 * </pre>
 * The decay counts from step 0, as {@code StepLR} does, whether or not there is a warm-up.
 */
public final class StepSchedule implements LearningRateSchedule {

    private final StepScheduleOptions options;

    /** A schedule with the given interval, factor and warm-up. */
    public StepSchedule(StepScheduleOptions options) {
        this.options = options;
    }

    @Override
    public double learningRate(long step, long totalSteps, double baseRate) {
        if (step < options.warmupSteps()) {
            return baseRate * (step + 1) / (options.warmupSteps() + 1);
        }
        return baseRate * Math.pow(options.gamma(), step / options.stepSize());
    }

    @Override
    public void validate(long totalSteps) {
        if (options.warmupSteps() > totalSteps) {
            throw new IllegalArgumentException("schedule step: warmupSteps (" + options.warmupSteps()
                    + ") is longer than the run (" + totalSteps + " steps); it must be from 0 to " + totalSteps);
        }
    }

    @Override
    public String toString() {
        return "StepSchedule" + options;
    }
}
