package dev.quire.optim.sgd;

import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <p>Not thread-safe: one training loop owns an optimizer.
 */
public final class Sgd implements Optimizer {

    /** The id under which this optimizer is provided and its state is saved. */
    public static final String ID = "sgd";

    static final String MOMENTUM_BUFFER = "momentum_buffer";
    static final String LR = "lr";
    private static final List<String> GROUP_OPTIONS = List.of("lr", "momentum", "dampening", "weightDecay");
    private static final List<String> WHOLE_OPTIMIZER_OPTIONS = List.of("nesterov", "maximize");

    private final SgdOptions options;
    private final List<ParameterGroup> groups;
    /** The options of each group, overrides applied; same order as {@link #groups}. */
    private final List<SgdOptions> groupOptions;
    private final Map<String, Parameter> parametersByName;
    /** Momentum buffers by parameter name; absent until the parameter's first step with momentum. */
    private final Map<String, float[]> momentumBuffers = new HashMap<>();
    private double learningRate;

    /**
     * @param groups  the parameter groups, each parameter in exactly one
     * @param options the defaults of every group
     * @throws IllegalArgumentException if a parameter appears twice, or an override is unknown or invalid
     */
    public Sgd(List<ParameterGroup> groups, SgdOptions options) {
        this.options = options;
        this.groups = List.copyOf(groups);
        GroupOverrides.requireKnownKeys(ID, this.groups, GROUP_OPTIONS, WHOLE_OPTIMIZER_OPTIONS);
        this.parametersByName = GroupOverrides.parametersByName(this.groups);
        var perGroup = new ArrayList<SgdOptions>();
        for (ParameterGroup group : this.groups) {
            try {
                perGroup.add(options.withOverrides(group.overrides()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter group '" + group.name() + "': " + e.getMessage(), e);
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
            SgdOptions o = groupOptions.get(g);
            double lr = GroupOverrides.groupLearningRate(learningRate, options.lr(), group);
            for (Parameter p : group.parameters()) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    update(p, grad, o, lr);
                }
            }
        }
    }

    /** One parameter's update, in one pass; float32 arithmetic in PyTorch's order of operations. */
    private void update(Parameter p, float[] grad, SgdOptions o, double lr) {
        float[] param = p.value().data();
        // PyTorch passes Python floats (doubles) as kernel scalars, which become float32 in a float32 kernel.
        float weightDecay = (float) o.weightDecay();
        float momentum = (float) o.momentum();
        float oneMinusDampening = (float) (1.0 - o.dampening());
        float negLr = (float) -lr;
        boolean useMomentum = o.momentum() != 0;
        boolean decay = o.weightDecay() != 0;

        float[] buf = null;
        boolean firstStep = false;
        if (useMomentum) {
            buf = momentumBuffers.get(p.name());
            if (buf == null) {
                buf = new float[param.length];
                momentumBuffers.put(p.name(), buf);
                firstStep = true;  // PyTorch: buf = clone(grad), no dampening on the first step
            }
        }
        for (int i = 0; i < param.length; i++) {
            float d = options.maximize() ? -grad[i] : grad[i];
            if (decay) {
                d = d + weightDecay * param[i];                       // grad.add(param, alpha=weight_decay)
            }
            if (useMomentum) {
                float b = firstStep ? d : buf[i] * momentum + oneMinusDampening * d;  // buf.mul_(m).add_(g, alpha=1-damp)
                buf[i] = b;
                d = options.nesterov() ? d + momentum * b : b;        // grad.add(buf, alpha=momentum) or buf
            }
            param[i] = param[i] + negLr * d;                          // param.add_(grad, alpha=-lr)
        }
    }

    @Override
    public OptimizerState state() {
        var buffers = new LinkedHashMap<String, float[]>();
        // In parameter order, so that saved state reads the same every time.
        for (String name : parametersByName.keySet()) {
            float[] buf = momentumBuffers.get(name);
            if (buf != null) {
                buffers.put(name + "." + MOMENTUM_BUFFER, buf);  // the record copies it
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
        // Check everything before changing anything, so that a refused state leaves this optimizer as it was.
        var restored = new HashMap<String, float[]>();
        String suffix = "." + MOMENTUM_BUFFER;
        for (var entry : state.buffers().entrySet()) {
            String key = entry.getKey();
            if (!key.endsWith(suffix)) {
                throw new IllegalArgumentException("sgd state has unknown buffer '" + key
                        + "'; sgd keeps only '<parameter>" + suffix + "'");
            }
            String name = key.substring(0, key.length() - suffix.length());
            Parameter p = parametersByName.get(name);
            if (p == null) {
                throw new IllegalArgumentException("sgd state has buffer '" + key + "' for parameter '" + name
                        + "', which this optimizer does not hold");
            }
            float[] values = entry.getValue();
            if (values.length != p.value().size()) {
                throw new IllegalArgumentException("sgd state buffer '" + key + "' has " + values.length
                        + " values but parameter '" + name + "' has " + p.value().size());
            }
            restored.put(name, values.clone());
        }
        for (String key : state.scalars().keySet()) {
            if (!key.equals(LR)) {
                throw new IllegalArgumentException("sgd state has unknown scalar '" + key + "'; sgd keeps only '" + LR + "'");
            }
        }
        Double lr = state.scalars().get(LR);
        if (lr != null) {
            setLearningRate(lr);
        }
        momentumBuffers.clear();
        momentumBuffers.putAll(restored);
    }
}
