package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.LearningRateSchedule;
import dev.quire.api.NoOptions;

/** Provides {@code schedule: constant}: the optimizer's base rate at every step. */
public final class ConstantScheduleProvider implements ComponentProvider<LearningRateSchedule, NoOptions> {

    /** The schedule itself: a constant needs no class of its own. */
    static final LearningRateSchedule CONSTANT = (step, totalSteps, baseRate) -> baseRate;

    /** For {@link java.util.ServiceLoader}. */
    public ConstantScheduleProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.SCHEDULE;
    }

    @Override
    public String id() {
        return "constant";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "the base learning rate at every step";
    }

    @Override
    public Class<NoOptions> optionsType() {
        return NoOptions.class;
    }

    @Override
    public NoOptions defaultOptions() {
        return NoOptions.INSTANCE;
    }

    @Override
    public LearningRateSchedule create(NoOptions options) {
        return CONSTANT;
    }
}
