package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/**
 * Label smoothing of the training cross-entropy. The trainer uses the pretrain stage's own
 * {@code labelSmoothing} when it is set, otherwise the largest value its regularizers ask for; evaluation
 * losses are never smoothed.
 */
public final class LabelSmoothing implements Regularizer {

    private final double smoothing;

    /** Label smoothing of the given amount. */
    public LabelSmoothing(LabelSmoothingOptions options) {
        this.smoothing = options.smoothing();
    }

    @Override
    public double labelSmoothing() {
        return smoothing;
    }

    @Override
    public String toString() {
        return "LabelSmoothing[" + smoothing + "]";
    }
}
