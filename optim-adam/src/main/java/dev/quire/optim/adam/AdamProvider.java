package dev.quire.optim.adam;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;

/** Provides the optimizer {@code adam}: {@link Adam} with L2 weight decay, configured by {@link AdamOptions}. */
public final class AdamProvider implements ComponentProvider<OptimizerFactory, AdamOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public AdamProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.OPTIMIZER;
    }

    @Override
    public String id() {
        return Adam.ADAM_ID;
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "Adam with L2 weight decay and optional AMSGrad (torch.optim.Adam)";
    }

    @Override
    public Class<AdamOptions> optionsType() {
        return AdamOptions.class;
    }

    @Override
    public AdamOptions defaultOptions() {
        return AdamOptions.DEFAULTS;
    }

    @Override
    public OptimizerFactory create(AdamOptions options) {
        return groups -> new Adam(groups, options);
    }
}
