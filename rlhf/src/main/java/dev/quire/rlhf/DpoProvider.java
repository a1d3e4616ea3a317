package dev.quire.rlhf;

import dev.quire.api.AlignmentMethod;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;

/** Provides the alignment method {@code dpo}: {@link Dpo} configured by {@link DpoOptions}. */
public final class DpoProvider implements ComponentProvider<AlignmentMethod, DpoOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public DpoProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.ALIGNMENT;
    }

    @Override
    public String id() {
        return "dpo";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "Direct Preference Optimization on preference pairs against a frozen reference";
    }

    @Override
    public Class<DpoOptions> optionsType() {
        return DpoOptions.class;
    }

    @Override
    public DpoOptions defaultOptions() {
        return DpoOptions.DEFAULTS;
    }

    @Override
    public AlignmentMethod create(DpoOptions options) {
        return new Dpo(options);
    }
}
