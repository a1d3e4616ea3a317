package dev.quire.rlhf;

import dev.quire.api.AlignmentMethod;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;

/** Provides the alignment method {@code ppo}: {@link Ppo} configured by {@link PpoOptions}. */
public final class PpoProvider implements ComponentProvider<AlignmentMethod, PpoOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public PpoProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.ALIGNMENT;
    }

    @Override
    public String id() {
        return "ppo";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "Proximal Policy Optimization with a value head, GAE and a per-token KL penalty to the reference";
    }

    @Override
    public Class<PpoOptions> optionsType() {
        return PpoOptions.class;
    }

    @Override
    public PpoOptions defaultOptions() {
        return PpoOptions.DEFAULTS;
    }

    @Override
    public AlignmentMethod create(PpoOptions options) {
        return new Ppo(options);
    }
}
