package dev.quire.optim.adam;

import dev.quire.api.AbstractOptimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.List;

/**
 * Adam and AdamW with exactly the semantics of PyTorch's {@code torch.optim.Adam} and
 * {@code torch.optim.AdamW} (their single-tensor "for-loop" implementation, in float32). AdamW is Adam
 * with decoupled weight decay, as in PyTorch itself; which one an instance is follows from the
 * options it was built with. For every parameter with a gradient {@code g}, one step is:
 *
 * <pre>
 *   t = t + 1                                  (a step count per parameter)
 *   g = maximize ? -g : g
 *   adam,  weightDecay != 0:  g = g + weightDecay * p
 *   adamw, weightDecay != 0:  p = p * (1 - lr * weightDecay)
 *   m = lerp(m, g, 1 - beta1)                  (= beta1 * m + (1 - beta1) * g)
 *   v = beta2 * v + (1 - beta2) * g * g
 *   vMax = max(vMax, v)                        (amsgrad only; then vMax replaces v below)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>Each update is a single pass over the parameter's arrays: no temporary tensors. The bias
 * corrections are computed in double, as PyTorch computes them in Python; everything per element is
 * float32, in PyTorch's order of operations. Parameters whose gradient is null are skipped and their
 * state (including the step count) is not advanced.
 *
 * <p><b>Parameter groups</b> may override {@code lr}, {@code beta1}, {@code beta2}, {@code eps} and
 * {@code weightDecay}. {@link #setLearningRate} sets the base rate; a group with its own {@code lr}
 * moves by the same factor as the base rate has moved from the configured {@code lr} (as PyTorch's
 * schedulers scale every group's initial rate), so a schedule shapes every group alike.
 *
 * <p><b>State</b>, per parameter that has taken a step: buffers {@code <parameter>.exp_avg},
 * {@code <parameter>.exp_avg_sq} and, with AMSGrad, {@code <parameter>.max_exp_avg_sq}; the scalar
 * {@code <parameter>.step}; and the scalar {@code lr} (the base rate).
 *
 * <p>Groups, the learning rate, the loop over parameters and state are {@link AbstractOptimizer}'s;
 * this class is the update rule. Not thread-safe: one training loop owns an optimizer.
 */
public final class Adam extends AbstractOptimizer<Adam.GroupSettings> {

    /** The id of Adam with L2 weight decay, under which it is provided and its state is saved. */
    public static final String ADAM_ID = "adam";
    /** The id of Adam with decoupled weight decay. */
    public static final String ADAMW_ID = "adamw";

    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";
    static final String STEP = "step";

    /** The numeric options of one group, overrides applied (the group's {@code lr} comes to {@link #update} apart). */
    record GroupSettings(double beta1, double beta2, double eps, double weightDecay) {
    }

    private final boolean decoupledWeightDecay;
    private final boolean amsgrad;
    private final boolean maximize;

    /**
     * Adam with L2 weight decay ({@code torch.optim.Adam}), id {@code adam}.
     *
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Adam(List<ParameterGroup> groups, AdamOptions options) {
        super(ADAM_ID, groups, options, o -> new GroupSettings(o.beta1(), o.beta2(), o.eps(), o.weightDecay()),
                buffers(options.amsgrad()), List.of(STEP));
        this.decoupledWeightDecay = false;
        this.amsgrad = options.amsgrad();
        this.maximize = options.maximize();
    }

    /**
     * Adam with decoupled weight decay ({@code torch.optim.AdamW}), id {@code adamw}.
     *
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Adam(List<ParameterGroup> groups, AdamWOptions options) {
        super(ADAMW_ID, groups, options, o -> new GroupSettings(o.beta1(), o.beta2(), o.eps(), o.weightDecay()),
                buffers(options.amsgrad()), List.of(STEP));
        this.decoupledWeightDecay = true;
        this.amsgrad = options.amsgrad();
        this.maximize = options.maximize();
    }

    /** The buffers kept per parameter: AMSGrad adds the running maximum of the second moment. */
    private static List<String> buffers(boolean amsgrad) {
        return amsgrad ? List.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(EXP_AVG, EXP_AVG_SQ);
    }

    /** One parameter's update, in one pass over its arrays. */
    @Override
    protected void update(Parameter p, float[] grad, GroupSettings s, double lr) {
        float[] param = p.value().data();
        ParameterState state = stateOf(p);
        double step = state.scalar(STEP) + 1;  // a whole number, exact in double up to 2^53
        state.setScalar(STEP, step);

        // Per-step scalars in double, as PyTorch computes them in Python ...
        double biasCorrection1 = 1 - Math.pow(s.beta1(), step);
        double biasCorrection2 = 1 - Math.pow(s.beta2(), step);
        double stepSize = lr / biasCorrection1;
        // ... and rounded to float32 where PyTorch hands them to a float32 kernel.
        float negStepSize = (float) -stepSize;
        float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
        float eps = (float) s.eps();
        float weightDecay = (float) s.weightDecay();
        float decayFactor = (float) (1 - lr * s.weightDecay());
        float lerpWeight = (float) (1 - s.beta1());
        float beta2 = (float) s.beta2();
        float oneMinusBeta2 = (float) (1 - s.beta2());
        boolean l2 = !decoupledWeightDecay && s.weightDecay() != 0;
        boolean decoupled = decoupledWeightDecay && s.weightDecay() != 0;

        float[] m = state.buffer(EXP_AVG);
        float[] v = state.buffer(EXP_AVG_SQ);
        float[] vMax = amsgrad ? state.buffer(MAX_EXP_AVG_SQ) : null;
        for (int i = 0; i < param.length; i++) {
            float g = maximize ? -grad[i] : grad[i];
            float w = param[i];
            if (l2) {
                g = g + weightDecay * w;                               // grad.add(param, alpha=weight_decay)
            } else if (decoupled) {
                w = w * decayFactor;                                   // param.mul_(1 - lr * weight_decay)
            }
            float mi = lerp(m[i], g, lerpWeight);                      // exp_avg.lerp_(grad, 1 - beta1)
            float vi = v[i] * beta2 + oneMinusBeta2 * g * g;           // exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2)
            m[i] = mi;
            v[i] = vi;
            if (vMax != null) {
                vi = Math.max(vMax[i], vi);                            // torch.maximum(max_exp_avg_sq, exp_avg_sq)
                vMax[i] = vi;
            }
            float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + eps;  // (v.sqrt() / bc2_sqrt).add_(eps)
            param[i] = w + negStepSize * mi / denom;                   // param.addcdiv_(exp_avg, denom, value=-step_size)
        }
    }

    /** {@code torch.lerp} with a scalar weight: the formula switches at 0.5 to stay exact at both ends. */
    private static float lerp(float start, float end, float weight) {
        return Math.abs(weight) < 0.5f
                ? start + weight * (end - start)
                : end - (end - start) * (1f - weight);
    }

    /** Refuses a saved step count that is not a whole number {@code >= 1}. */
    @Override
    protected void checkScalar(String parameterName, String scalarName, double step) {
        if (!(step >= 1) || step != Math.rint(step) || step > (1L << 53)) {
            throw new IllegalArgumentException(id() + " state has step count " + step + " for parameter '" + parameterName
                    + "'; it must be a whole number >= 1");
        }
    }

    /** Says when a state's AMSGrad buffers do not match this optimizer's {@code amsgrad}. */
    @Override
    protected String stateHint(String key) {
        if (!key.endsWith("." + MAX_EXP_AVG_SQ)) {
            return "";
        }
        return amsgrad ? " (amsgrad is on here; was the state saved with it off?)" : " (saved with amsgrad on; it is off here)";
    }
}
