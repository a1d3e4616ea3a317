package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code dropout}, the {@link Dropout}. */
public final class DropoutProvider extends RegularizerProvider<DropoutOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public DropoutProvider() {
    }

    @Override
    public String id() {
        return "dropout";
    }

    @Override
    public String description() {
        return "inverted dropout on embeddings, residual branches and attention probabilities, off outside training";
    }

    @Override
    public Class<DropoutOptions> optionsType() {
        return DropoutOptions.class;
    }

    @Override
    public DropoutOptions defaultOptions() {
        return DropoutOptions.DEFAULTS;
    }

    @Override
    public Regularizer create(DropoutOptions options) {
        return new Dropout(options);
    }
}
