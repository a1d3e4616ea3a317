package dev.quire.optim.sgd;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;

/** Provides the optimizer {@code sgd}: {@link Sgd} configured by {@link SgdOptions}. */
public final class SgdProvider implements ComponentProvider<OptimizerFactory, SgdOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public SgdProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.OPTIMIZER;
    }

    @Override
    public String id() {
        return Sgd.ID;
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD)";
    }

    @Override
    public Class<SgdOptions> optionsType() {
        return SgdOptions.class;
    }

    @Override
    public SgdOptions defaultOptions() {
        return SgdOptions.DEFAULTS;
    }

    @Override
    public OptimizerFactory create(SgdOptions options) {
        return groups -> new Sgd(groups, options);
    }
}
