package dev.quire.optim.adam;

/**
 * The options of the {@code adamw} optimizer, with the names, defaults and checks of
 * {@code torch.optim.AdamW}. The same options as {@link AdamOptions}, but weight decay is
 * <em>decoupled</em>: before each update the parameter is multiplied by {@code 1 - lr * weightDecay},
 * and the gradient is left alone (Loshchilov and Hutter, "Decoupled Weight Decay Regularization").
 *
 * <p>A parameter group may override the numeric options ({@code lr}, {@code beta1}, {@code beta2},
 * {@code eps}, {@code weightDecay}), typically {@code weightDecay -> 0} for biases and norms; the
 * flags {@code amsgrad} and {@code maximize} hold for the whole optimizer.
 *
 * @param lr          learning rate, {@code >= 0}
 * @param beta1       decay of the running mean of gradients, in {@code [0, 1)}
 * @param beta2       decay of the running mean of squared gradients, in {@code [0, 1)}
 * @param eps         added to the denominator for numerical stability, {@code > 0}
 * @param weightDecay decoupled weight decay coefficient, {@code >= 0}
 * @param amsgrad     use the maximum of all second-moment estimates so far (AMSGrad)
 * @param maximize    ascend the objective instead of descending it (the gradient is negated)
 */
public record AdamWOptions(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                           boolean maximize) {

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no AMSGrad. */
    public static final AdamWOptions DEFAULTS = new AdamWOptions(1e-3, 0.9, 0.999, 1e-8, 0.01, false, false);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public AdamWOptions {
        AdamChecks.check("adamw", lr, beta1, beta2, eps, weightDecay);
    }
}
