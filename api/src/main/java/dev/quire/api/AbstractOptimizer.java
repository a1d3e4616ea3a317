package dev.quire.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The shared part of every {@link Optimizer}, as {@code torch.optim.Optimizer} is the base class of
 * PyTorch's optimizers. A subclass supplies its id, its options record, the names of what it keeps per
 * parameter, and its update rule ({@link #update}); this class owns the rest, identically for every
 * optimizer: parameter groups and their overrides, the base learning rate, the loop over parameters
 * with a gradient, and saving and loading state.
 *
 * <h2>Options and parameter groups</h2>
 *
 * <p>An optimizer is configured by a public options record (the one its {@link ComponentProvider}
 * declares). The record's components of type {@code double} are the options a {@link ParameterGroup}
 * may override, by component name; its other components (flags such as {@code nesterov}) hold for the
 * whole optimizer. The record must have a {@code double} component {@code lr}, the learning rate. The
 * constructor checks, in this order, and throws {@link IllegalArgumentException} on the first failure:
 * <ol>
 *   <li>every override key of every group (keys in sorted order) is a {@code double} component:
 *       otherwise {@code "parameter group 'head' overrides unknown sgd option 'beta1'; a group may
 *       override: lr, momentum, dampening, weightDecay"}, or for a flag {@code "parameter group 'head'
 *       cannot override sgd option 'nesterov': it holds for the whole optimizer; a group may override:
 *       ..."};</li>
 *   <li>no parameter name, and no tensor, appears twice (state is keyed by name, and a tensor listed
 *       twice would be updated twice per step);</li>
 *   <li>each group's options, the options record with the group's overrides put in, is built again
 *       through the record's canonical constructor, so it is validated as the record validates; a
 *       refusal is rethrown as {@code "parameter group 'head': " + its message}.</li>
 * </ol>
 *
 * <h2>Learning rate</h2>
 *
 * <p>{@link #learningRate()} starts at the options' {@code lr}, and schedules move it with
 * {@link #setLearningRate}. A group without an {@code lr} override steps with that base rate. A group
 * with one steps with its own rate, moved by the same factor as the base rate has been moved from the
 * configured {@code lr}, as PyTorch's schedulers scale every group's {@code initial_lr}; when the
 * configured {@code lr} is 0 there is no factor, and the group's rate is used as written.
 *
 * <h2>Step</h2>
 *
 * <p>{@link #step()} calls {@link #update} once for every parameter whose gradient is not null, group
 * by group and in each group's order; a parameter without a gradient is skipped and its state is not
 * touched.
 *
 * <h2>State</h2>
 *
 * <p>What the optimizer keeps for a parameter is a {@link ParameterState}: the buffers and the scalars
 * whose names the subclass gives at construction (Adam: buffers {@code exp_avg}, {@code exp_avg_sq},
 * scalar {@code step}), created (buffers zero, scalars 0) by {@link #stateOf} on the parameter's first
 * update that needs it. {@link #state()} saves, in parameter order, each such parameter's buffers as
 * {@code <parameter>.<buffer>} and scalars as {@code <parameter>.<scalar>}, then the base rate as the
 * scalar {@code lr}. {@link #loadState} checks everything before it changes anything, so a refused state
 * leaves the optimizer as it was. It refuses, with {@link IllegalArgumentException}: a state of another
 * optimizer id; for a parameter of which any key is present, a missing key, a buffer whose length is
 * not the parameter's size, or a scalar refused by {@link #checkScalar}; any key that names no
 * parameter of this optimizer or no buffer or scalar it keeps; and an {@code lr} that
 * {@link #setLearningRate} refuses. An absent {@code lr} leaves the base rate as it is.
 *
 * <p>Not thread-safe: one training loop owns an optimizer.
 *
 * @param <S> what {@link #update} needs of a group's options, made from the group's options record by
 *            the function given to the constructor (often the record itself)
 */
@Experimental
public abstract class AbstractOptimizer<S> implements Optimizer {

    /** The scalar under which {@link #state()} saves the base learning rate, also the options component it starts from. */
    private static final String LR = ParameterGroup.LEARNING_RATE;

    private final String id;
    private final List<ParameterGroup> groups;
    /** The settings of each group, overrides applied; same order as {@link #groups}. */
    private final List<S> groupSettings;
    private final Map<String, Parameter> parametersByName;
    private final List<String> bufferNames;
    private final List<String> scalarNames;
    /** What is kept per parameter, by parameter name; absent until {@link #stateOf} creates it or a load restores it. */
    private final Map<String, ParameterState> states = new HashMap<>();
    private final double configuredLearningRate;
    private double learningRate;

    /**
     * Checks the groups and their overrides as described in the class comment, and resolves each
     * group's settings.
     *
     * @param id          the optimizer's id: in messages, and in the state it saves and accepts
     * @param groups      the parameter groups, each parameter in exactly one
     * @param options     the defaults of every group; a public record with a {@code double} component {@code lr}
     * @param settings    makes what {@link #update} needs from one group's options (often {@code Function.identity()});
     *                    called here, once per group, before this constructor returns
     * @param bufferNames the buffers kept per parameter, each as long as the parameter, in the order they are saved
     * @param scalarNames the scalars kept per parameter (such as a step count), in the order they are saved
     * @param <O>         the options record
     * @throws IllegalArgumentException if a group overrides an unknown or non-{@code double} option, a
     *         parameter appears twice, or a group's options are invalid
     */
    protected <O extends Record> AbstractOptimizer(String id, List<ParameterGroup> groups, O options,
                                                   Function<? super O, ? extends S> settings,
                                                   List<String> bufferNames, List<String> scalarNames) {
        this.id = Objects.requireNonNull(id, "id");
        this.groups = List.copyOf(groups);
        this.bufferNames = List.copyOf(bufferNames);
        this.scalarNames = List.copyOf(scalarNames);
        RecordComponent[] components = options.getClass().getRecordComponents();
        var numericOptions = new ArrayList<String>();
        var flagOptions = new ArrayList<String>();
        for (RecordComponent c : components) {
            (c.getType() == double.class ? numericOptions : flagOptions).add(c.getName());
        }
        if (!numericOptions.contains(LR)) {
            throw new IllegalArgumentException("options record " + options.getClass().getName()
                    + " has no double component '" + LR + "', the learning rate");
        }
        this.configuredLearningRate = (double) read(components, LR, options);  // refuses an inaccessible record first
        requireKnownKeys(numericOptions, flagOptions);
        this.parametersByName = parametersByName(this.groups);
        var perGroup = new ArrayList<S>();
        for (ParameterGroup group : this.groups) {
            try {
                perGroup.add(settings.apply(withOverrides(options, components, group.overrides())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter group '" + group.name() + "': " + e.getMessage(), e);
            }
        }
        this.groupSettings = List.copyOf(perGroup);
        this.learningRate = configuredLearningRate;
    }

    // ---- the subclass's part -------------------------------------------------------------------

    /**
     * Applies one step to one parameter, in place: {@code parameter.value().data()} and the buffers of
     * {@link #stateOf}{@code (parameter)}.
     *
     * @param parameter a parameter whose gradient is not null
     * @param grad      its gradient, as long as the parameter; read only
     * @param settings  the settings of the parameter's group
     * @param lr        the group's learning rate for this step (see the class comment)
     */
    protected abstract void update(Parameter parameter, float[] grad, S settings, double lr);

    /**
     * Checks a per-parameter scalar of a state being loaded; the default accepts every value.
     *
     * @param parameterName the parameter's name
     * @param scalarName    one of the scalar names given to the constructor
     * @param value         the saved value
     * @throws IllegalArgumentException to refuse the state (nothing has changed yet)
     */
    protected void checkScalar(String parameterName, String scalarName, double value) {
    }

    /**
     * Text appended to the message that refuses a state because key {@code key} is missing or is not
     * kept by this optimizer, for example a hint that an option differs from when it was saved;
     * the default is empty.
     *
     * @param key the key, {@code <parameter>.<buffer or scalar>}
     * @return text starting with a space, or {@code ""}
     */
    protected String stateHint(String key) {
        return "";
    }

    /**
     * Whether {@code parameter} has state: it has been updated with {@link #stateOf}, or state for it was loaded.
     *
     * @param parameter a parameter of this optimizer
     * @return whether a {@link ParameterState} is kept for it
     */
    protected final boolean hasState(Parameter parameter) {
        return states.containsKey(parameter.name());
    }

    /**
     * The state kept for {@code parameter}, created on first use with every buffer zero (as long as
     * the parameter) and every scalar 0.
     *
     * @param parameter a parameter of this optimizer
     * @return its state, live: changes to it are the optimizer's state
     */
    protected final ParameterState stateOf(Parameter parameter) {
        return states.computeIfAbsent(parameter.name(),
                name -> new ParameterState(bufferNames, scalarNames, parameter.value().size()));
    }

    // ---- Optimizer ---------------------------------------------------------------------------------

    /**
     * The id given at construction.
     *
     * @return the id this optimizer's state is saved under, and that a state must carry to be loaded
     */
    public final String id() {
        return id;
    }

    @Override
    public final List<ParameterGroup> groups() {
        return groups;
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code learningRate} is negative, infinite or NaN
     */
    @Override
    public final void setLearningRate(double learningRate) {
        requireValidLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /** Calls {@link #update} for every parameter with a gradient, group by group, with the group's rate. */
    @Override
    public final void step() {
        for (int g = 0; g < groups.size(); g++) {
            ParameterGroup group = groups.get(g);
            S settings = groupSettings.get(g);
            double lr = groupLearningRate(group);
            for (Parameter p : group.parameters()) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    update(p, grad, settings, lr);
                }
            }
        }
    }

    @Override
    public final OptimizerState state() {
        var buffers = new LinkedHashMap<String, float[]>();
        var scalars = new LinkedHashMap<String, Double>();
        // In parameter order, so that saved state reads the same every time.
        for (String name : parametersByName.keySet()) {
            ParameterState s = states.get(name);
            if (s == null) {
                continue;
            }
            for (int i = 0; i < bufferNames.size(); i++) {
                buffers.put(name + "." + bufferNames.get(i), s.buffers[i]);  // the record copies the arrays
            }
            for (int i = 0; i < scalarNames.size(); i++) {
                scalars.put(name + "." + scalarNames.get(i), s.scalars[i]);
            }
        }
        scalars.put(LR, learningRate);
        return new OptimizerState(id, buffers, scalars);
    }

    @Override
    public final void loadState(OptimizerState state) {
        if (!id.equals(state.optimizerId())) {
            throw new IllegalArgumentException("cannot load state saved by optimizer '" + state.optimizerId()
                    + "' into optimizer '" + id + "'");
        }
        // Check everything before changing anything, so that a refused state leaves this optimizer as it was.
        var restored = new HashMap<String, ParameterState>();
        var usedBuffers = new HashSet<String>();
        var usedScalars = new HashSet<String>(Set.of(LR));
        for (Parameter p : parametersByName.values()) {
            String name = p.name();
            boolean saved = bufferNames.stream().anyMatch(b -> state.buffers().containsKey(name + "." + b))
                    || scalarNames.stream().anyMatch(s -> state.scalars().containsKey(name + "." + s));
            if (!saved) {
                continue;  // this parameter had no state yet
            }
            var restoredState = new ParameterState(bufferNames, scalarNames, p.value().size());
            for (int i = 0; i < bufferNames.size(); i++) {
                String key = name + "." + bufferNames.get(i);
                float[] values = state.buffers().get(key);
                if (values == null) {
                    throw new IllegalArgumentException(id + " state lacks buffer '" + key + "'" + stateHint(key));
                }
                if (values.length != p.value().size()) {
                    throw new IllegalArgumentException(id + " state buffer '" + key + "' has " + values.length
                            + " values but parameter '" + name + "' has " + p.value().size());
                }
                System.arraycopy(values, 0, restoredState.buffers[i], 0, values.length);
                usedBuffers.add(key);
            }
            for (int i = 0; i < scalarNames.size(); i++) {
                String key = name + "." + scalarNames.get(i);
                Double value = state.scalars().get(key);
                if (value == null) {
                    throw new IllegalArgumentException(id + " state lacks scalar '" + key + "'" + stateHint(key));
                }
                checkScalar(name, scalarNames.get(i), value);
                restoredState.scalars[i] = value;
                usedScalars.add(key);
            }
            restored.put(name, restoredState);
        }
        requireNoOtherKeys("buffer", state.buffers().keySet(), usedBuffers, bufferNames);
        requireNoOtherKeys("scalar", state.scalars().keySet(), usedScalars, scalarNames);
        Double lr = state.scalars().get(LR);
        if (lr != null) {
            requireValidLearningRate(lr);
        }
        // Nothing can fail from here on.
        if (lr != null) {
            learningRate = lr;
        }
        states.clear();
        states.putAll(restored);
    }

    // ---- the rules -------------------------------------------------------------------------------

    private void requireKnownKeys(List<String> numericOptions, List<String> flagOptions) {
        String allowed = String.join(", ", numericOptions);
        for (ParameterGroup group : groups) {
            // Sorted so that the message is the same on every run.
            for (String key : new TreeSet<>(group.overrides().keySet())) {
                if (numericOptions.contains(key)) {
                    continue;
                }
                if (flagOptions.contains(key)) {
                    throw new IllegalArgumentException("parameter group '" + group.name() + "' cannot override " + id
                            + " option '" + key + "': it holds for the whole optimizer; a group may override: " + allowed);
                }
                throw new IllegalArgumentException("parameter group '" + group.name() + "' overrides unknown " + id
                        + " option '" + key + "'; a group may override: " + allowed);
            }
        }
    }

    /** The parameters of all groups by name, in group order; refuses a name or a tensor that appears twice. */
    private static Map<String, Parameter> parametersByName(List<ParameterGroup> groups) {
        var byName = new LinkedHashMap<String, Parameter>();
        var groupOfName = new HashMap<String, String>();
        var nameOfTensor = new IdentityHashMap<Object, String>();
        for (ParameterGroup group : groups) {
            for (Parameter p : group.parameters()) {
                String earlierGroup = groupOfName.putIfAbsent(p.name(), group.name());
                if (earlierGroup != null) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' appears twice (in group '" + earlierGroup
                            + "' and in group '" + group.name() + "')");
                }
                String earlierName = nameOfTensor.putIfAbsent(p.value(), p.name());
                if (earlierName != null) {
                    throw new IllegalArgumentException("parameters '" + earlierName + "' and '" + p.name()
                            + "' are the same tensor; each tensor may be optimized once");
                }
                byName.put(p.name(), p);
            }
        }
        return byName;
    }

    /** The learning rate of a group for the next step: the rule of the class comment. */
    private double groupLearningRate(ParameterGroup group) {
        Double own = group.overrides().get(LR);
        if (own == null) {
            return learningRate;
        }
        if (learningRate == configuredLearningRate || configuredLearningRate == 0) {
            return own;  // no schedule has moved the rate (or cannot): the group's rate as written
        }
        return own * (learningRate / configuredLearningRate);
    }

    private static void requireValidLearningRate(double learningRate) {
        // Written as !(x >= 0) so that NaN is refused too.
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
    }

    /** Refuses the first (in sorted order) of {@code keys} not in {@code used}, naming what this optimizer keeps. */
    private void requireNoOtherKeys(String kind, Set<String> keys, Set<String> used, List<String> namesOfKind) {
        var unknown = new TreeSet<>(keys);
        unknown.removeAll(used);
        if (unknown.isEmpty()) {
            return;
        }
        String key = unknown.first();
        int dot = key.lastIndexOf('.');
        if (dot > 0 && namesOfKind.contains(key.substring(dot + 1)) && !parametersByName.containsKey(key.substring(0, dot))) {
            throw new IllegalArgumentException(id + " state has " + kind + " '" + key + "' for parameter '"
                    + key.substring(0, dot) + "', which this optimizer does not hold");
        }
        var kept = new ArrayList<String>();
        bufferNames.forEach(b -> kept.add("<parameter>." + b));
        scalarNames.forEach(s -> kept.add("<parameter>." + s));
        String perParameter = kept.isEmpty() ? ""
                : String.join(", ", kept) + " for each of its parameters that has state, and ";
        throw new IllegalArgumentException(id + " state has unknown " + kind + " '" + key + "'" + stateHint(key)
                + "; " + id + " keeps " + perParameter + "the scalar " + LR);
    }

    /** {@code options} with {@code overrides} (known {@code double} components) put in, built again through its canonical constructor. */
    @SuppressWarnings("unchecked")
    private static <O extends Record> O withOverrides(O options, RecordComponent[] components, Map<String, Double> overrides) {
        if (overrides.isEmpty()) {
            return options;  // already built, so already valid
        }
        var types = new Class<?>[components.length];
        var values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Double override = overrides.get(components[i].getName());
            values[i] = override != null ? override : read(components, components[i].getName(), options);
        }
        try {
            return (O) options.getClass().getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;  // the record's own refusal, an IllegalArgumentException naming the option
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw inaccessible(options, e);
        }
    }

    private static Object read(RecordComponent[] components, String name, Record options) {
        for (RecordComponent c : components) {
            if (c.getName().equals(name)) {
                try {
                    return c.getAccessor().invoke(options);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (ReflectiveOperationException e) {
                    throw inaccessible(options, e);
                }
            }
        }
        throw new IllegalArgumentException("options record " + options.getClass().getName() + " has no component '" + name + "'");
    }

    private static IllegalArgumentException inaccessible(Record options, ReflectiveOperationException e) {
        return new IllegalArgumentException("options record " + options.getClass().getName()
                + " must be public, in an exported package, with a public canonical constructor", e);
    }

    /**
     * What an optimizer keeps for one parameter, like {@code optimizer.state[p]} in PyTorch: the
     * buffers and scalars whose names the optimizer gave its {@link AbstractOptimizer constructor}.
     * Buffers are as long as the parameter and start at zero; scalars start at 0. The optimizer updates
     * them in place from {@link AbstractOptimizer#update}; {@link AbstractOptimizer#state()} copies them.
     */
    public static final class ParameterState {
        private final List<String> bufferNames;
        private final List<String> scalarNames;
        private final float[][] buffers;
        private final double[] scalars;

        private ParameterState(List<String> bufferNames, List<String> scalarNames, int size) {
            this.bufferNames = bufferNames;
            this.scalarNames = scalarNames;
            this.buffers = new float[bufferNames.size()][size];
            this.scalars = new double[scalarNames.size()];
        }

        /**
         * The buffer {@code name}, itself (not a copy), to read and update in place.
         *
         * @param name one of the buffer names the optimizer gave its constructor
         * @return the buffer, as long as the parameter
         * @throws IllegalArgumentException if the optimizer keeps no buffer of that name
         */
        public float[] buffer(String name) {
            return buffers[index(bufferNames, name, "buffer")];
        }

        /**
         * The scalar {@code name}.
         *
         * @param name one of the scalar names the optimizer gave its constructor
         * @return its value, 0 until set
         * @throws IllegalArgumentException if the optimizer keeps no scalar of that name
         */
        public double scalar(String name) {
            return scalars[index(scalarNames, name, "scalar")];
        }

        /**
         * Sets the scalar {@code name}.
         *
         * @param name  one of the scalar names the optimizer gave its constructor
         * @param value the new value
         * @throws IllegalArgumentException if the optimizer keeps no scalar of that name
         */
        public void setScalar(String name, double value) {
            scalars[index(scalarNames, name, "scalar")] = value;
        }

        private static int index(List<String> names, String name, String kind) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no " + kind + " '" + name + "'; the optimizer keeps: " + String.join(", ", names));
            }
            return i;
        }
    }
}
