package dev.quire.regularizers;

import dev.quire.api.Regularizer;

/**
 * Stops training when the validation loss has not improved on the best so far by more than
 * {@code minDelta} for {@code patience} evaluations in a row (Keras's {@code EarlyStopping}). With
 * {@code restoreBest} the trainer, which keeps a copy of the weights of the best validation loss,
 * puts them back when it stops.
 *
 * <p>Its counters live in memory only: a resumed run starts counting afresh.
 */
public final class EarlyStopping implements Regularizer {

    private final EarlyStoppingOptions options;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceImprovement;

    /** Early stopping with the given patience, threshold and restore choice. */
    public EarlyStopping(EarlyStoppingOptions options) {
        this.options = options;
    }

    @Override
    public Verdict afterValidation(long step, double validationLoss) {
        if (validationLoss < best - options.minDelta()) {
            best = validationLoss;
            sinceImprovement = 0;
            return Verdict.CONTINUE;
        }
        sinceImprovement++;
        return sinceImprovement >= options.patience() ? Verdict.STOP : Verdict.CONTINUE;
    }

    @Override
    public boolean restoreBestOnStop() {
        return options.restoreBest();
    }

    /** The best validation loss seen, or infinity before the first. */
    public double best() {
        return best;
    }

    @Override
    public String toString() {
        return "EarlyStopping" + options;
    }
}
