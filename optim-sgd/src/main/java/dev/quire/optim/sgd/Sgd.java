package dev.quire.optim.sgd;

import dev.quire.api.AbstractOptimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.List;
import java.util.function.Function;

/**
 * Stochastic gradient descent with exactly the semantics of PyTorch's {@code torch.optim.SGD}
 * (its single-tensor "for-loop" implementation, in float32). For every parameter with a gradient
 * {@code g}, one step is:
 *
 * <pre>
 *   g = maximize ? -g : g
 *   if weightDecay != 0:  g = g + weightDecay * p
 *   if momentum != 0:
 *       buf = (first step) ? g : momentum * buf + (1 - dampening) * g
 *       g   = nesterov ? g + momentum * buf : buf
 *   p = p - lr * g
 * </pre>
 *
 * <p>Each update is a single pass over the parameter's arrays: no temporary tensors. Parameters whose
 * gradient is null are skipped and their momentum buffer is left as it is.
 *
 * <p><b>Parameter groups</b> may override {@code lr}, {@code momentum}, {@code dampening} and
 * {@code weightDecay}. {@link #setLearningRate} sets the base rate; a group with its own {@code lr}
 * moves by the same factor as the base rate has moved from the configured {@code lr} (as PyTorch's
 * schedulers scale every group's initial rate), so a schedule shapes every group alike.
 *
 * <p><b>State</b>: buffers {@code <parameter>.momentum_buffer} (present once a parameter has taken
 * a step with momentum) and the scalar {@code lr} (the base rate).
 *
 * <p>Groups, the learning rate, the loop over parameters and state are {@link AbstractOptimizer}'s;
 * this class is the update rule. Not thread-safe: one training loop owns an optimizer.
 */
public final class Sgd extends AbstractOptimizer<SgdOptions> {

    /** The id under which this optimizer is provided and its state is saved. */
    public static final String ID = "sgd";

    static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * @param groups  the parameter groups, each parameter in exactly one
     * @param options the defaults of every group
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Sgd(List<ParameterGroup> groups, SgdOptions options) {
        super(ID, groups, options, Function.identity(), List.of(MOMENTUM_BUFFER), List.of());
    }

    /** One parameter's update, in one pass; float32 arithmetic in PyTorch's order of operations. */
    @Override
    protected void update(Parameter p, float[] grad, SgdOptions o, double lr) {
        float[] param = p.value().data();
        // PyTorch passes Python floats (doubles) as kernel scalars, which become float32 in a float32 kernel.
        float weightDecay = (float) o.weightDecay();
        float momentum = (float) o.momentum();
        float oneMinusDampening = (float) (1.0 - o.dampening());
        float negLr = (float) -lr;
        boolean useMomentum = o.momentum() != 0;
        boolean decay = o.weightDecay() != 0;
        boolean maximize = o.maximize();
        boolean nesterov = o.nesterov();

        float[] buf = null;
        boolean firstStep = false;
        if (useMomentum) {
            firstStep = !hasState(p);  // PyTorch: buf = clone(grad), no dampening on the first step
            buf = stateOf(p).buffer(MOMENTUM_BUFFER);
        }
        for (int i = 0; i < param.length; i++) {
            float d = maximize ? -grad[i] : grad[i];
            if (decay) {
                d = d + weightDecay * param[i];                       // grad.add(param, alpha=weight_decay)
            }
            if (useMomentum) {
                float b = firstStep ? d : buf[i] * momentum + oneMinusDampening * d;  // buf.mul_(m).add_(g, alpha=1-damp)
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;                  // grad.add(buf, alpha=momentum) or buf
            }
            param[i] = param[i] + negLr * d;                          // param.add_(grad, alpha=-lr)
        }
    }
}
