package dev.quire.model;

import dev.quire.api.ActivationSite;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;
import java.util.List;

/** The regularizers of a model, applied in order at each {@link ActivationSite} of the forward pass. */
record Hooks(List<Regularizer> regularizers) {

    Hooks {
        regularizers = List.copyOf(regularizers);
    }

    /** {@code x} after every regularizer's {@link Regularizer#activation}; the same shape. */
    Tensor apply(ActivationSite site, Tensor x, TrainingContext context) {
        for (Regularizer regularizer : regularizers) {
            x = regularizer.activation(site, x, context);
        }
        return x;
    }
}
