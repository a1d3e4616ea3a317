package dev.quire.model;

import dev.quire.api.LearningRateSchedule;

/**
 * nanoGPT's {@code get_lr}: linear warm-up, then a half cosine from the base rate down to a floor,
 * then the floor.
 * <pre>
 *   step &lt; warmup:          base · (step + 1) / (warmup + 1)
 *   step &gt; decay:           min
 *   otherwise:              min + ½ (1 + cos(π · (step − warmup) / (decay − warmup))) · (base − min)
 * </pre>
 */
public final class CosineSchedule implements LearningRateSchedule {

    private final CosineScheduleOptions options;

    /** A schedule with the given warm-up, decay length and floor. */
    public CosineSchedule(CosineScheduleOptions options) {
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
        if (step > decay || decay == warmup) {
            return min;
        }
        double ratio = (double) (step - warmup) / (decay - warmup);
        double coefficient = 0.5 * (1.0 + Math.cos(Math.PI * ratio)); // from 1 down to 0
        return min + coefficient * (baseRate - min);
    }

    @Override
    public void validate(long totalSteps) {
        if (options.warmupSteps() > totalSteps) {
            throw new IllegalArgumentException("schedule cosine: warmupSteps (" + options.warmupSteps()
                    + ") is longer than the run (" + totalSteps + " steps)");
        }
    }

    @Override
    public String toString() {
        return "CosineSchedule" + options;
    }
}
