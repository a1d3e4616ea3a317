package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.LearningRateSchedule;

/** Provides {@code schedule: step}, the {@link StepSchedule}. */
public final class StepScheduleProvider implements ComponentProvider<LearningRateSchedule, StepScheduleOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public StepScheduleProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.SCHEDULE;
    }

    @Override
    public String id() {
        return "step";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "step decay: the rate times gamma every stepSize steps (PyTorch's StepLR)";
    }

    @Override
    public Class<StepScheduleOptions> optionsType() {
        return StepScheduleOptions.class;
    }

    /** The rate divided by 10 every 1000 steps, no warm-up. */
    @Override
    public StepScheduleOptions defaultOptions() {
        return new StepScheduleOptions(1000, 0.1, 0);
    }

    @Override
    public LearningRateSchedule create(StepScheduleOptions options) {
        return new StepSchedule(options);
    }
}
