package dev.quire.regularizers;

import dev.quire.api.ActivationSite;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout}): during training each element is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1/(1 − p)}, so the expected value is
 * unchanged; outside training (evaluation, generation) the activation passes untouched. The masks are
 * drawn from {@link TrainingContext#random()}, the run's seeded source, so a run is reproducible.
 *
 * <p>Acts on {@link ActivationSite#EMBEDDING}, {@link ActivationSite#ATTENTION_RESIDUAL} and
 * {@link ActivationSite#MLP_RESIDUAL} through {@link #activation}; the attention probabilities are
 * dropped inside the attention component, at the rate {@link #attentionDropout()} gives, with a mask
 * that every attention implementation computes identically ({@link dev.quire.api.AttentionDropout}).
 */
public final class Dropout implements Regularizer {

    private final DropoutOptions options;

    /** Dropout with the given rates. */
    public Dropout(DropoutOptions options) {
        this.options = options;
    }

    /** The rate at {@code site}; 0 where this regularizer does not act. */
    public double rate(ActivationSite site) {
        return switch (site) {
            case EMBEDDING -> options.embedding();
            case ATTENTION_RESIDUAL, MLP_RESIDUAL -> options.residual();
            case ATTENTION_PROBABILITIES -> options.attention();
        };
    }

    @Override
    public double attentionDropout() {
        return options.attention();
    }

    @Override
    public Tensor activation(ActivationSite site, Tensor x, TrainingContext context) {
        double p = site == ActivationSite.ATTENTION_PROBABILITIES ? 0.0 : rate(site);
        if (!context.training() || p == 0) {
            return x;
        }
        return x.dropout((float) p, context.random(), true);
    }

    @Override
    public String toString() {
        return "Dropout" + options;
    }
}
