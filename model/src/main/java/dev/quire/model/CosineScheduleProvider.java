package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.LearningRateSchedule;

/** Provides {@code schedule: cosine}, the {@link CosineSchedule}. */
public final class CosineScheduleProvider implements ComponentProvider<LearningRateSchedule, CosineScheduleOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public CosineScheduleProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.SCHEDULE;
    }

    @Override
    public String id() {
        return "cosine";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "linear warm-up, cosine decay to a floor (nanoGPT's get_lr)";
    }

    @Override
    public Class<CosineScheduleOptions> optionsType() {
        return CosineScheduleOptions.class;
    }

    /** nanoGPT's Shakespeare-character recipe: 100 warm-up steps, decay over the whole run to 1e-4. */
    @Override
    public CosineScheduleOptions defaultOptions() {
        return new CosineScheduleOptions(100, 0, 1e-4);
    }

    @Override
    public LearningRateSchedule create(CosineScheduleOptions options) {
        return new CosineSchedule(options);
    }
}
