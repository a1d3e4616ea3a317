package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/** Provides {@code clip-grad-norm}, {@link GradClipping#byNorm}. */
public final class ClipGradNormProvider extends RegularizerProvider<ClipGradNormOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public ClipGradNormProvider() {
    }

    @Override
    public String id() {
        return "clip-grad-norm";
    }

    @Override
    public String description() {
        return "clipping of the global gradient norm (PyTorch's clip_grad_norm_)";
    }

    @Override
    public Class<ClipGradNormOptions> optionsType() {
        return ClipGradNormOptions.class;
    }

    @Override
    public ClipGradNormOptions defaultOptions() {
        return ClipGradNormOptions.DEFAULTS;
    }

    @Override
    public Regularizer create(ClipGradNormOptions options) {
        return GradClipping.byNorm(options);
    }
}
