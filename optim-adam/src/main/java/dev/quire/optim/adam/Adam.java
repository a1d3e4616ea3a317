package dev.quire.optim.adam;

import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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
 * <p>Not thread-safe: one training loop owns an optimizer.
 */
public final class Adam implements Optimizer {

    /** The id of Adam with L2 weight decay, under which it is provided and its state is saved. */
    public static final String ADAM_ID = "adam";
    /** The id of Adam with decoupled weight decay. */
    public static final String ADAMW_ID = "adamw";

    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";
    static final String STEP = "step";
    static final String LR = "lr";
    private static final List<String> GROUP_OPTIONS = List.of("lr", "beta1", "beta2", "eps", "weightDecay");
    private static final List<String> WHOLE_OPTIMIZER_OPTIONS = List.of("amsgrad", "maximize");

    /** The numeric options of one group, overrides applied. */
    private record GroupSettings(double lr, double beta1, double beta2, double eps, double weightDecay) {
    }

    /** What Adam keeps per parameter: created on the parameter's first step. */
    private static final class ParameterState {
        long step;
        final float[] expAvg;
        final float[] expAvgSq;
        final float[] maxExpAvgSq;  // null without AMSGrad

        ParameterState(long step, float[] expAvg, float[] expAvgSq, float[] maxExpAvgSq) {
            this.step = step;
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
            this.maxExpAvgSq = maxExpAvgSq;
        }
    }

    private final String id;
    private final boolean decoupledWeightDecay;
    private final boolean amsgrad;
    private final boolean maximize;
    private final double configuredLr;
    private final List<ParameterGroup> groups;
    private final List<GroupSettings> groupSettings;
    private final Map<String, Parameter> parametersByName;
    private final Map<String, ParameterState> states = new HashMap<>();
    private double learningRate;

    /**
     * Adam with L2 weight decay ({@code torch.optim.Adam}), id {@code adam}.
     *
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Adam(List<ParameterGroup> groups, AdamOptions options) {
        this(ADAM_ID, false, options.amsgrad(), options.maximize(), options.lr(), groups, overrides -> {
            AdamOptions o = options.withOverrides(overrides);
            return new GroupSettings(o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
        });
    }

    /**
     * Adam with decoupled weight decay ({@code torch.optim.AdamW}), id {@code adamw}.
     *
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Adam(List<ParameterGroup> groups, AdamWOptions options) {
        this(ADAMW_ID, true, options.amsgrad(), options.maximize(), options.lr(), groups, overrides -> {
            AdamWOptions o = options.withOverrides(overrides);
            return new GroupSettings(o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
        });
    }

    private Adam(String id, boolean decoupledWeightDecay, boolean amsgrad, boolean maximize, double configuredLr,
                 List<ParameterGroup> groups, Function<Map<String, Double>, GroupSettings> settingsOfGroup) {
        this.id = id;
        this.decoupledWeightDecay = decoupledWeightDecay;
        this.amsgrad = amsgrad;
        this.maximize = maximize;
        this.configuredLr = configuredLr;
        this.groups = List.copyOf(groups);
        GroupOverrides.requireKnownKeys(id, this.groups, GROUP_OPTIONS, WHOLE_OPTIMIZER_OPTIONS);
        this.parametersByName = GroupOverrides.parametersByName(this.groups);
        var perGroup = new ArrayList<GroupSettings>();
        for (ParameterGroup group : this.groups) {
            try {
                perGroup.add(settingsOfGroup.apply(group.overrides()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter group '" + group.name() + "': " + e.getMessage(), e);
            }
        }
        this.groupSettings = List.copyOf(perGroup);
        this.learningRate = configuredLr;
    }

    /** {@code adam} or {@code adamw}: the id this optimizer saves its state under. */
    public String id() {
        return id;
    }

    @Override
    public List<ParameterGroup> groups() {
        return groups;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    @Override
    public void step() {
        for (int g = 0; g < groups.size(); g++) {
            ParameterGroup group = groups.get(g);
            GroupSettings settings = groupSettings.get(g);
            double lr = GroupOverrides.groupLearningRate(learningRate, configuredLr, group);
            for (Parameter p : group.parameters()) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    update(p, grad, settings, lr);
                }
            }
        }
    }

    /** One parameter's update, in one pass over its arrays. */
    private void update(Parameter p, float[] grad, GroupSettings s, double lr) {
        float[] param = p.value().data();
        ParameterState state = states.get(p.name());
        if (state == null) {
            int n = param.length;
            state = new ParameterState(0, new float[n], new float[n], amsgrad ? new float[n] : null);
            states.put(p.name(), state);
        }
        state.step++;

        // Per-step scalars in double, as PyTorch computes them in Python ...
        double biasCorrection1 = 1 - Math.pow(s.beta1(), state.step);
        double biasCorrection2 = 1 - Math.pow(s.beta2(), state.step);
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

        float[] m = state.expAvg;
        float[] v = state.expAvgSq;
        float[] vMax = state.maxExpAvgSq;
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

    @Override
    public OptimizerState state() {
        var buffers = new LinkedHashMap<String, float[]>();
        var scalars = new LinkedHashMap<String, Double>();
        // In parameter order, so that saved state reads the same every time.
        for (String name : parametersByName.keySet()) {
            ParameterState s = states.get(name);
            if (s == null) {
                continue;
            }
            buffers.put(name + "." + EXP_AVG, s.expAvg);  // the record copies the arrays
            buffers.put(name + "." + EXP_AVG_SQ, s.expAvgSq);
            if (s.maxExpAvgSq != null) {
                buffers.put(name + "." + MAX_EXP_AVG_SQ, s.maxExpAvgSq);
            }
            scalars.put(name + "." + STEP, (double) s.step);
        }
        scalars.put(LR, learningRate);
        return new OptimizerState(id, buffers, scalars);
    }

    @Override
    public void loadState(OptimizerState state) {
        if (!id.equals(state.optimizerId())) {
            throw new IllegalArgumentException("cannot load state saved by optimizer '" + state.optimizerId()
                    + "' into optimizer '" + id + "'");
        }
        // Check everything before changing anything, so that a refused state leaves this optimizer as it was.
        var restored = new HashMap<String, ParameterState>();
        var used = new HashSet<String>();
        for (Parameter p : parametersByName.values()) {
            String name = p.name();
            Double step = state.scalars().get(name + "." + STEP);
            if (step == null) {
                continue;  // this parameter had not taken a step yet; any buffers of it are reported below
            }
            used.add(name + "." + STEP);
            if (!(step >= 1) || step != Math.rint(step) || step > (1L << 53)) {
                throw new IllegalArgumentException(id + " state has step count " + step + " for parameter '" + name
                        + "'; it must be a whole number >= 1");
            }
            float[] expAvg = buffer(state, p, EXP_AVG, used);
            float[] expAvgSq = buffer(state, p, EXP_AVG_SQ, used);
            float[] maxExpAvgSq = amsgrad ? buffer(state, p, MAX_EXP_AVG_SQ, used) : null;
            restored.put(name, new ParameterState(step.longValue(), expAvg, expAvgSq, maxExpAvgSq));
        }
        used.add(LR);
        var unknown = new TreeSet<String>(state.buffers().keySet());
        unknown.addAll(state.scalars().keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            String first = unknown.first();
            String hint = first.endsWith("." + MAX_EXP_AVG_SQ) && !amsgrad ? " (saved with amsgrad on; it is off here)" : "";
            throw new IllegalArgumentException(id + " state has '" + first + "', which matches no parameter state of this optimizer"
                    + hint + "; it keeps, for each of its parameters that has taken a step, <parameter>." + EXP_AVG
                    + ", <parameter>." + EXP_AVG_SQ + (amsgrad ? ", <parameter>." + MAX_EXP_AVG_SQ : "")
                    + " and <parameter>." + STEP + ", and the scalar " + LR);
        }
        Double lr = state.scalars().get(LR);
        if (lr != null) {
            setLearningRate(lr);
        }
        states.clear();
        states.putAll(restored);
    }

    /** A copy of buffer {@code <parameter>.<buffer>} of the state, checked to exist and to have the parameter's size. */
    private float[] buffer(OptimizerState state, Parameter p, String buffer, Set<String> used) {
        String key = p.name() + "." + buffer;
        float[] values = state.buffers().get(key);
        if (values == null) {
            String hint = buffer.equals(MAX_EXP_AVG_SQ) ? " (amsgrad is on here; was the state saved with it off?)" : "";
            throw new IllegalArgumentException(id + " state lacks buffer '" + key + "'" + hint);
        }
        if (values.length != p.value().size()) {
            throw new IllegalArgumentException(id + " state buffer '" + key + "' has " + values.length
                    + " values but parameter '" + p.name() + "' has " + p.value().size());
        }
        used.add(key);
        return values.clone();
    }
}
