package dev.quire.plugins.lion;

import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
 */
public final class Lion implements Optimizer {

    /** The id under which this optimizer is provided and its state is saved. */
    public static final String ID = "lion";

    static final String EXP_AVG = "exp_avg";
    static final String LR = "lr";

    private final LionOptions options;
    private final List<ParameterGroup> groups;
    private final List<LionOptions> groupOptions;
    private final Map<String, Parameter> parametersByName = new LinkedHashMap<>();
    /** Momentum by parameter name; absent until the parameter's first step. */
    private final Map<String, float[]> momentum = new HashMap<>();
    private double learningRate;

    /**
     * @param groups  the parameter groups, each parameter in exactly one
     * @param options the defaults of every group
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Lion(List<ParameterGroup> groups, LionOptions options) {
        this.options = options;
        this.groups = List.copyOf(groups);
        var perGroup = new ArrayList<LionOptions>();
        var tensors = new IdentityHashMap<Object, String>();
        for (ParameterGroup group : this.groups) {
            for (String key : new TreeSet<>(group.overrides().keySet())) {
                if (!LionOptions.NAMES.contains(key)) {
                    throw new IllegalArgumentException("parameter group '" + group.name() + "' overrides unknown lion option '"
                            + key + "'; a group may override: " + String.join(", ", LionOptions.NAMES));
                }
            }
            try {
                perGroup.add(options.withOverrides(group.overrides()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter group '" + group.name() + "': " + e.getMessage(), e);
            }
            for (Parameter p : group.parameters()) {
                // State is keyed by name, and a tensor listed twice would be updated twice per step.
                if (parametersByName.putIfAbsent(p.name(), p) != null) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' appears twice");
                }
                String other = tensors.putIfAbsent(p.value(), p.name());
                if (other != null) {
                    throw new IllegalArgumentException("parameters '" + other + "' and '" + p.name() + "' are the same tensor");
                }
            }
        }
        this.groupOptions = List.copyOf(perGroup);
        this.learningRate = options.lr();
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
            LionOptions o = groupOptions.get(g);
            double lr = groupLearningRate(group);
            for (Parameter p : group.parameters()) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    update(p, grad, o, lr);
                }
            }
        }
    }

    /** The base rate for groups without their own {@code lr}; a group's own rate scaled like the base otherwise. */
    private double groupLearningRate(ParameterGroup group) {
        Double own = group.overrides().get("lr");
        if (own == null) {
            return learningRate;
        }
        if (learningRate == options.lr() || options.lr() == 0) {
            return own;
        }
        return own * (learningRate / options.lr());
    }

    private void update(Parameter p, float[] grad, LionOptions o, double lr) {
        float[] param = p.value().data();
        float[] m = momentum.computeIfAbsent(p.name(), name -> new float[param.length]);
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

    @Override
    public OptimizerState state() {
        var buffers = new LinkedHashMap<String, float[]>();
        for (String name : parametersByName.keySet()) {
            float[] m = momentum.get(name);
            if (m != null) {
                buffers.put(name + "." + EXP_AVG, m);  // the record copies it
            }
        }
        return new OptimizerState(ID, buffers, Map.of(LR, learningRate));
    }

    @Override
    public void loadState(OptimizerState state) {
        if (!ID.equals(state.optimizerId())) {
            throw new IllegalArgumentException("cannot load state saved by optimizer '" + state.optimizerId()
                    + "' into optimizer '" + ID + "'");
        }
        // Check everything before changing anything.
        var restored = new HashMap<String, float[]>();
        String suffix = "." + EXP_AVG;
        for (var entry : state.buffers().entrySet()) {
            String key = entry.getKey();
            String name = key.endsWith(suffix) ? key.substring(0, key.length() - suffix.length()) : null;
            Parameter p = name == null ? null : parametersByName.get(name);
            if (p == null) {
                throw new IllegalArgumentException("lion state has buffer '" + key
                        + "', which matches no parameter of this optimizer; lion keeps <parameter>" + suffix);
            }
            if (entry.getValue().length != p.value().size()) {
                throw new IllegalArgumentException("lion state buffer '" + key + "' has " + entry.getValue().length
                        + " values but parameter '" + name + "' has " + p.value().size());
            }
            restored.put(name, entry.getValue().clone());
        }
        for (String key : state.scalars().keySet()) {
            if (!key.equals(LR)) {
                throw new IllegalArgumentException("lion state has unknown scalar '" + key + "'; lion keeps only '" + LR + "'");
            }
        }
        Double lr = state.scalars().get(LR);
        if (lr != null) {
            setLearningRate(lr);
        }
        momentum.clear();
        momentum.putAll(restored);
    }
}
