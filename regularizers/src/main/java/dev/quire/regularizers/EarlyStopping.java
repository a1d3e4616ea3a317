package dev.quire.regularizers;

import dev.quire.api.Regularizer;
import java.util.Map;

/**
 * Stops training when the validation loss has not improved on the best so far by more than
 * {@code minDelta} for {@code patience} evaluations in a row (Keras's {@code EarlyStopping}). With
 * {@code restoreBest} the trainer, which keeps a copy of the weights of the best validation loss,
 * puts them back when it stops.
 *
 * <p>Its best loss and count of evaluations without improvement are its {@link #state()}, saved in
 * checkpoints, so a resumed run counts on from where the saved one stood.
 */
public final class EarlyStopping implements Regularizer {

    /** The name of the best validation loss in {@link #state()}. */
    public static final String BEST = "best";
    /** The name of the count of validations since the best in {@link #state()}. */
    public static final String SINCE_BEST = "validations_since_best";

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

    /** {@value #BEST} (infinity before the first validation) and {@value #SINCE_BEST}. */
    @Override
    public Map<String, Double> state() {
        return Map.of(BEST, best, SINCE_BEST, (double) sinceImprovement);
    }

    @Override
    public void restoreState(Map<String, Double> state) {
        if (!state.keySet().equals(java.util.Set.of(BEST, SINCE_BEST))) {
            throw new IllegalArgumentException("early stopping's state has " + BEST + " and " + SINCE_BEST + ", but was given "
                    + new java.util.TreeSet<>(state.keySet()));
        }
        double savedBest = state.get(BEST), since = state.get(SINCE_BEST);
        if (Double.isNaN(savedBest) || savedBest == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("early stopping's " + BEST + " must be a loss or +infinity, got " + savedBest);
        }
        if (!(since >= 0 && since <= Integer.MAX_VALUE && since == Math.rint(since))) {
            throw new IllegalArgumentException("early stopping's " + SINCE_BEST + " must be a whole number >= 0, got " + since);
        }
        best = savedBest;
        sinceImprovement = (int) since;
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
