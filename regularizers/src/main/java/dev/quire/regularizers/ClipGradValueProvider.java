package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code clip-grad-value}, {@link GradClipping#byValue}. */
public final class ClipGradValueProvider extends RegularizerProvider<ClipGradValueOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public ClipGradValueProvider() {
    }

    @Override
    public String id() {
        return "clip-grad-value";
    }

    @Override
    public String description() {
        return "clamping of every gradient element (PyTorch's clip_grad_value_)";
    }

    @Override
    public Class<ClipGradValueOptions> optionsType() {
        return ClipGradValueOptions.class;
    }

    @Override
    public ClipGradValueOptions defaultOptions() {
        return ClipGradValueOptions.DEFAULTS;
    }

    @Override
    public Regularizer create(ClipGradValueOptions options) {
        return GradClipping.byValue(options);
    }
}
