package dev.quire.plugins.lion;

/**
 * The options of the {@code lion} optimizer, with the defaults of the paper's reference code.
 *
 * <p>Lion's update has the same size for every element (it is a sign), so its learning rate is
 * usually 3 to 10 times smaller than AdamW's, and its weight decay 3 to 10 times larger, to keep
 * {@code lr * weightDecay} similar.
 *
 * <p>A parameter group may override any of these options (all are numbers).
 *
 * @param lr          learning rate, a finite number {@code >= 0}
 * @param beta1       weight of the momentum when choosing the update's sign, in {@code [0, 1]}
 * @param beta2       decay of the momentum, in {@code [0, 1]}
 * @param weightDecay decoupled weight decay, a finite number {@code >= 0}: {@code p -= lr * weightDecay * p}
 */
public record LionOptions(double lr, double beta1, double beta2, double weightDecay) {

    /** lr 1e-4, betas (0.9, 0.99), no weight decay. */
    public static final LionOptions DEFAULTS = new LionOptions(1e-4, 0.9, 0.99, 0.0);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public LionOptions {
        // Written as !(x >= 0) so that NaN is refused too.
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw invalid("lr", "a finite number >= 0", lr);
        }
        if (!(beta1 >= 0 && beta1 <= 1)) {
            throw invalid("beta1", "in [0, 1]", beta1);
        }
        if (!(beta2 >= 0 && beta2 <= 1)) {
            throw invalid("beta2", "in [0, 1]", beta2);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw invalid("weightDecay", "a finite number >= 0", weightDecay);
        }
    }

    private static IllegalArgumentException invalid(String option, String allowed, double value) {
        return new IllegalArgumentException("lion option '" + option + "' must be " + allowed + ", got " + value);
    }
}
