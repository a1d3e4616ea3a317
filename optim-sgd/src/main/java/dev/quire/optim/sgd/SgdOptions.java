package dev.quire.optim.sgd;

/**
 * The options of the {@code sgd} optimizer, with the names, defaults and checks of
 * {@code torch.optim.SGD} (PyTorch's {@code weight_decay} is {@code weightDecay} here).
 *
 * <p>A parameter group may override the numeric options ({@code lr}, {@code momentum},
 * {@code dampening}, {@code weightDecay}); the flags {@code nesterov} and {@code maximize} hold for
 * the whole optimizer (see {@link dev.quire.api.AbstractOptimizer}, which applies the overrides and
 * checks them again through this constructor). See {@link Sgd} for how a group's {@code lr} follows
 * a schedule.
 *
 * @param lr          learning rate, {@code >= 0}
 * @param momentum    momentum factor, {@code >= 0}; 0 turns momentum (and its buffer) off
 * @param dampening   dampening of the gradient added to the momentum buffer (not applied on the
 *                    first step, which copies the gradient into the buffer)
 * @param nesterov    use Nesterov momentum; needs {@code momentum > 0} and {@code dampening == 0}
 * @param weightDecay L2 penalty, {@code >= 0}: {@code weightDecay * param} is added to the gradient
 * @param maximize    ascend the objective instead of descending it (the gradient is negated)
 */
public record SgdOptions(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                         boolean maximize) {

    /** PyTorch's defaults: lr 1e-3, no momentum, no dampening, no Nesterov, no weight decay. */
    public static final SgdOptions DEFAULTS = new SgdOptions(1e-3, 0.0, 0.0, false, 0.0, false);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public SgdOptions {
        // The same checks as torch.optim.SGD.__init__, plus finiteness, which PyTorch leaves to luck.
        requireAtLeastZero("lr", lr);
        requireAtLeastZero("momentum", momentum);
        requireAtLeastZero("weightDecay", weightDecay);
        if (!Double.isFinite(dampening)) {
            throw new IllegalArgumentException("sgd option 'dampening' must be a finite number, got " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd option 'nesterov' requires momentum > 0 and dampening = 0, got momentum "
                    + momentum + " and dampening " + dampening);
        }
    }

    private static void requireAtLeastZero(String option, double value) {
        // Written as !(value >= 0) so that NaN is refused too.
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("sgd option '" + option + "' must be a finite number >= 0, got " + value);
        }
    }
}
