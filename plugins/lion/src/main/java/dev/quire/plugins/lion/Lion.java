package dev.quire.plugins.lion;

import dev.quire.api.AbstractOptimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.List;
import java.util.function.Function;

/**
 * Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
 * Program 1). For every parameter with a gradient {@code g}, one step is:
 *
 * <pre>
 *   update = sign(beta1 * m + (1 - beta1) * g)
 *   p      = p - lr * (update + weightDecay * p)      (decoupled weight decay)
 *   m      = beta2 * m + (1 - beta2) * g
 * </pre>
 *
 * <p>with the momentum {@code m} starting at zero and {@code sign(0) = 0}. Only one buffer per
 * parameter, half of Adam's memory. Arithmetic is float32, in the order of the authors' PyTorch
 * code ({@code p.mul_(1 - lr * wd)}, then {@code p.add_(update, alpha=-lr)}, then the momentum), one
 * pass over each parameter's arrays. Parameters whose gradient is null are skipped.
 *
 * <p><b>Parameter groups</b> may override every option. {@link #setLearningRate} sets the base rate;
 * a group with its own {@code lr} moves by the same factor as the base rate has moved from the
 * configured {@code lr}, as with Quire's built-in optimizers.
 *
 * <p><b>State</b>: buffers {@code <parameter>.exp_avg} (the momentum, once the parameter has taken a
 * step) and the scalar {@code lr} (the base rate).
 *
 * <p>Groups, the learning rate, the loop over parameters and saving and loading state are
 * {@link AbstractOptimizer}'s, from {@code quire-api}; this class is the update rule.
 */
public final class Lion extends AbstractOptimizer<LionOptions> {

    /** The id under which this optimizer is provided and its state is saved. */
    public static final String ID = "lion";

    static final String EXP_AVG = "exp_avg";

    /**
     * @param groups  the parameter groups, each parameter in exactly one
     * @param options the defaults of every group
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Lion(List<ParameterGroup> groups, LionOptions options) {
        super(ID, groups, options, Function.identity(), List.of(EXP_AVG), List.of());
    }

    /** One parameter's update, in one pass over its arrays. */
    @Override
    protected void update(Parameter p, float[] grad, LionOptions o, double lr) {
        float[] param = p.value().data();
        float[] m = stateOf(p).buffer(EXP_AVG);
        float decay = (float) (1 - lr * o.weightDecay());
        float negLr = (float) -lr;
        float beta1 = (float) o.beta1();
        float oneMinusBeta1 = (float) (1 - o.beta1());
        float beta2 = (float) o.beta2();
        float oneMinusBeta2 = (float) (1 - o.beta2());
        for (int i = 0; i < param.length; i++) {
            float g = grad[i];
            float update = Math.signum(m[i] * beta1 + oneMinusBeta1 * g);  // signum(0) is 0, as torch.sign
            param[i] = param[i] * decay + negLr * update;
            m[i] = m[i] * beta2 + oneMinusBeta2 * g;
        }
    }
}
