package dev.quire.rlhf;

import dev.quire.api.AlignmentMethod;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;

/** Provides the alignment method {@code grpo}: {@link Grpo} configured by {@link GrpoOptions}. */
public final class GrpoProvider implements ComponentProvider<AlignmentMethod, GrpoOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public GrpoProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.ALIGNMENT;
    }

    @Override
    public String id() {
        return "grpo";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "Group Relative Policy Optimization: group-normalized advantages, KL to the reference, no value head";
    }

    @Override
    public Class<GrpoOptions> optionsType() {
        return GrpoOptions.class;
    }

    @Override
    public GrpoOptions defaultOptions() {
        return GrpoOptions.DEFAULTS;
    }

    @Override
    public AlignmentMethod create(GrpoOptions options) {
        return new Grpo(options);
    }
}
