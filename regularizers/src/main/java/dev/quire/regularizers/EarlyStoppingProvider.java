package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code early-stopping}, the {@link EarlyStopping}. */
public final class EarlyStoppingProvider extends RegularizerProvider<EarlyStoppingOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public EarlyStoppingProvider() {
    }

    @Override
    public String id() {
        return "early-stopping";
    }

    @Override
    public String description() {
        return "stops when the validation loss stops improving and restores the best weights";
    }

    @Override
    public Class<EarlyStoppingOptions> optionsType() {
        return EarlyStoppingOptions.class;
    }

    @Override
    public EarlyStoppingOptions defaultOptions() {
        return EarlyStoppingOptions.DEFAULTS;
    }

    @Override
    public Regularizer create(EarlyStoppingOptions options) {
        return new EarlyStopping(options);
    }
}
