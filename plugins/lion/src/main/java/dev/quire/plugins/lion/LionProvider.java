package dev.quire.plugins.lion;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;

/**
 * Provides the optimizer {@code lion}. Registered in
 * {@code META-INF/services/dev.quire.api.ComponentProvider} (how PF4J plugins are found) and in
 * {@code module-info.java} (for the module path).
 */
public final class LionProvider implements ComponentProvider<OptimizerFactory, LionOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public LionProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.OPTIMIZER;
    }

    @Override
    public String id() {
        return Lion.ID;
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Lion: sign of interpolated momentum, decoupled weight decay (Chen et al. 2023); example plugin";
    }

    @Override
    public Class<LionOptions> optionsType() {
        return LionOptions.class;
    }

    @Override
    public LionOptions defaultOptions() {
        return LionOptions.DEFAULTS;
    }

    @Override
    public OptimizerFactory create(LionOptions options) {
        return groups -> new Lion(groups, options);
    }
}
