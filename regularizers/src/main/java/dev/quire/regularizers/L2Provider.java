package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code l2}, the {@link L2Penalty}. */
public final class L2Provider extends RegularizerProvider<L2Options> {

    /** For {@link java.util.ServiceLoader}. */
    public L2Provider() {
    }

    @Override
    public String id() {
        return "l2";
    }

    @Override
    public String description() {
        return "weight decay as an L2 term of the loss, with name rules (decoupled decay: the optimizer's weightDecay)";
    }

    @Override
    public Class<L2Options> optionsType() {
        return L2Options.class;
    }

    @Override
    public L2Options defaultOptions() {
        return L2Options.DEFAULTS;
    }

    @Override
    public Regularizer create(L2Options options) {
        return new L2Penalty(options);
    }
}
