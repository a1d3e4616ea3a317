package dev.quire.rlhf;

/**
 * The options of {@code dpo}.
 *
 * @param beta strength of the implicit KL constraint to the reference, {@code > 0}: the implicit reward of a
 *             completion is {@code β · (log π(y|x) − log π_ref(y|x))} (Rafailov et al. use 0.1 to 0.5)
 */
public record DpoOptions(double beta) {

    /** β = 0.1, as in the DPO paper and TRL. */
    public static final DpoOptions DEFAULTS = new DpoOptions(0.1);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public DpoOptions {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("dpo: beta must be a number > 0, got " + beta);
        }
    }
}
