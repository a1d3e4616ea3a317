package dev.quire.optim.adam;

/**
 * The options of the {@code adam} optimizer, with the names, defaults and checks of
 * {@code torch.optim.Adam} (PyTorch's {@code betas=(b1, b2)} is {@code beta1}, {@code beta2} here and
 * {@code weight_decay} is {@code weightDecay}).
 *
 * <p>A parameter group may override the numeric options ({@code lr}, {@code beta1}, {@code beta2},
 * {@code eps}, {@code weightDecay}); the flags {@code amsgrad} and {@code maximize} hold for the whole
 * optimizer. See {@link Adam} for how a group's {@code lr} follows a schedule.
 *
 * @param lr          learning rate, {@code >= 0}
 * @param beta1       decay of the running mean of gradients, in {@code [0, 1)}
 * @param beta2       decay of the running mean of squared gradients, in {@code [0, 1)}
 * @param eps         added to the denominator for numerical stability, {@code > 0}
 * @param weightDecay L2 penalty, {@code >= 0}: {@code weightDecay * param} is added to the gradient
 *                    (for decay decoupled from the gradient, use {@code adamw})
 * @param amsgrad     use the maximum of all second-moment estimates so far (AMSGrad)
 * @param maximize    ascend the objective instead of descending it (the gradient is negated)
 */
public record AdamOptions(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                          boolean maximize) {

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad. */
    public static final AdamOptions DEFAULTS = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0.0, false, false);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public AdamOptions {
        AdamChecks.check("adam", lr, beta1, beta2, eps, weightDecay);
    }
}
