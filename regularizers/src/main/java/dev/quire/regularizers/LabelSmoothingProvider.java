package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code label-smoothing}, the {@link LabelSmoothing}. */
public final class LabelSmoothingProvider extends RegularizerProvider<LabelSmoothingOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public LabelSmoothingProvider() {
    }

    @Override
    public String id() {
        return "label-smoothing";
    }

    @Override
    public String description() {
        return "label smoothing of the training cross-entropy (PyTorch's label_smoothing)";
    }

    @Override
    public Class<LabelSmoothingOptions> optionsType() {
        return LabelSmoothingOptions.class;
    }

    @Override
    public LabelSmoothingOptions defaultOptions() {
        return LabelSmoothingOptions.DEFAULTS;
    }

    @Override
    public Regularizer create(LabelSmoothingOptions options) {
        return new LabelSmoothing(options);
    }
}
