package dev.quire.model;

import dev.quire.api.ActivationSite;
import dev.quire.api.AttentionDropout;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;
import java.util.List;

/** The regularizers of a model, applied in order at each {@link ActivationSite} of the forward pass. */
record Hooks(List<Regularizer> regularizers) {

    Hooks {
        regularizers = List.copyOf(regularizers);
    }

    /**
     * Dropout of the attention probabilities for one layer's call: the largest rate any regularizer
     * asks for, with a fresh seed from the step's random source; none outside training.
     */
    AttentionDropout attentionDropout(TrainingContext context) {
        double rate = 0;
        for (Regularizer regularizer : regularizers) {
            rate = Math.max(rate, regularizer.attentionDropout());
        }
        if (rate == 0 || context == null || !context.training()) {
            return AttentionDropout.NONE;
        }
        return new AttentionDropout(rate, context.random().nextLong());
    }

    /** {@code x} after every regularizer's {@link Regularizer#activation}; the same shape. */
    Tensor apply(ActivationSite site, Tensor x, TrainingContext context) {
        for (Regularizer regularizer : regularizers) {
            x = regularizer.activation(site, x, context);
        }
        return x;
    }
}
