package dev.quire.regularizers;

/**
 * Options of {@code early-stopping}.
 *
 * @param patience    evaluations without improvement after which training stops, at least 1
 * @param minDelta    how much lower than the best so far a validation loss must be to count as an
 *                    improvement, {@code >= 0}
 * @param restoreBest whether stopping restores the weights of the best validation loss
 */
public record EarlyStoppingOptions(int patience, double minDelta, boolean restoreBest) {

    /** Patience 3, any improvement counts, restore the best weights. */
    public static final EarlyStoppingOptions DEFAULTS = new EarlyStoppingOptions(3, 0.0, true);

    public EarlyStoppingOptions {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 (evaluations), got " + patience);
        }
        RegularizerProvider.checkNonNegative("minDelta", minDelta);
    }
}
