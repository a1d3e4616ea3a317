package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.LearningRateSchedule;

/** Provides {@code schedule: linear}, the {@link LinearSchedule}. */
public final class LinearScheduleProvider implements ComponentProvider<LearningRateSchedule, LinearScheduleOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public LinearScheduleProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.SCHEDULE;
    }

    @Override
    public String id() {
        return "linear";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "linear warm-up, then linear decay to a floor";
    }

    @Override
    public Class<LinearScheduleOptions> optionsType() {
        return LinearScheduleOptions.class;
    }

    /** 100 warm-up steps, then down to 1e-4 at the end of the run. */
    @Override
    public LinearScheduleOptions defaultOptions() {
        return new LinearScheduleOptions(100, 0, 1e-4);
    }

    @Override
    public LearningRateSchedule create(LinearScheduleOptions options) {
        return new LinearSchedule(options);
    }
}
