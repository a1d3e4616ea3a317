package dev.quire.model;

import dev.quire.api.LearningRateSchedule;

/**
 * Linear warm-up (as nanoGPT's), then a straight line from the base rate down to a floor, then the floor.
 * <pre>
 *   step &lt; warmup:          base · (step + 1) / (warmup + 1)
 *   step &gt;= decay:          min
 *   otherwise:              base − (step − warmup) / (decay − warmup) · (base − min)
 * </pre>
 */
public final class LinearSchedule implements LearningRateSchedule {

    private final LinearScheduleOptions options;

    /** A schedule with the given warm-up, decay length and floor. */
    public LinearSchedule(LinearScheduleOptions options) {
        this.options = options;
    }

    @Override
    public double learningRate(long step, long totalSteps, double baseRate) {
        long warmup = options.warmupSteps();
        long decay = options.decaySteps() > 0 ? options.decaySteps() : totalSteps;
        double min = options.minLearningRate();
        if (step < warmup) {
            return baseRate * (step + 1) / (warmup + 1);
        }
        if (step >= decay) {
            return min;
        }
        double ratio = (double) (step - warmup) / (decay - warmup);
        return baseRate - ratio * (baseRate - min);
    }

    @Override
    public void validate(long totalSteps) {
        if (options.warmupSteps() > totalSteps) {
            throw new IllegalArgumentException("schedule linear: warmupSteps (" + options.warmupSteps()
                    + ") is longer than the run (" + totalSteps + " steps); it must be from 0 to " + totalSteps);
        }
    }

    @Override
    public String toString() {
        return "LinearSchedule" + options;
    }
}
