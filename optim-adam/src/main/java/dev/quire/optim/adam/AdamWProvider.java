package dev.quire.optim.adam;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;

/** Provides the optimizer {@code adamw}: {@link Adam} with decoupled weight decay, configured by {@link AdamWOptions}. */
public final class AdamWProvider implements ComponentProvider<OptimizerFactory, AdamWOptions> {

    /** Public no-argument constructor for ServiceLoader. */
    public AdamWProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.OPTIMIZER;
    }

    @Override
    public String id() {
        return Adam.ADAMW_ID;
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "Adam with decoupled weight decay and optional AMSGrad (torch.optim.AdamW)";
    }

    @Override
    public Class<AdamWOptions> optionsType() {
        return AdamWOptions.class;
    }

    @Override
    public AdamWOptions defaultOptions() {
        return AdamWOptions.DEFAULTS;
    }

    @Override
    public OptimizerFactory create(AdamWOptions options) {
        return groups -> new Adam(groups, options);
    }
}
