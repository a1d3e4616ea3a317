package dev.quire.api.testing;

import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The PyTorch reference {@code ../shared/reference/optimizers.safetensors}: initial parameters
 * {@code init.w [3,5]} and {@code init.b [5]}, 20 steps of gradients {@code grads.<name> [20, ...]},
 * and for every case the parameters after every step, {@code expected.<case>.<name> [20, ...]} (float64).
 * Each case's hyper-parameters are JSON in the metadata under {@code case.<case>}.
 *
 * <p>Test support for optimizer modules, shipped in {@code quire-api}'s test jar (type
 * {@code test-jar}, scope {@code test}); it needs the system property {@code quire.shared}, which
 * Quire's surefire configuration sets. It uses no test framework: a mismatch is an {@link AssertionError}.
 */
public final class OptimizerFixture {

    /** The names of the fixture's parameters, in the order {@link #freshParameters()} gives them. */
    public static final List<String> PARAMETER_NAMES = List.of("w", "b");

    /** The float32 tensors (inputs), by name. */
    private final Map<String, Tensor> tensors;
    /** The float64 tensors (expected values), exactly, by name. */
    private final Map<String, double[]> expected;
    private final Map<String, String> metadata;
    /** How many steps of gradients, and of expected values per case, the fixture holds. */
    public final int steps;

    private OptimizerFixture(Map<String, Tensor> tensors, Map<String, double[]> expected, Map<String, String> metadata) {
        this.tensors = tensors;
        this.expected = expected;
        this.metadata = metadata;
        this.steps = Integer.parseInt(metadata.get("steps"));
    }

    /**
     * Reads the fixture.
     *
     * @throws IllegalStateException if {@code quire.shared} is not set or the file is missing
     */
    public static OptimizerFixture load() {
        String shared = System.getProperty("quire.shared");
        if (shared == null) {
            throw new IllegalStateException("system property quire.shared is not set (surefire sets it to ../shared)");
        }
        Path path = Path.of(shared, "reference", "optimizers.safetensors");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("reference fixture not found: " + path.toAbsolutePath());
        }
        // read() gives the float32 inputs; the float64 expectations are read exactly through open().
        try (var file = Safetensors.open(path)) {
            var expected = new HashMap<String, double[]>();
            for (String name : file.names()) {
                if (name.startsWith("expected.")) {
                    expected.put(name, file.f64(name));
                }
            }
            return new OptimizerFixture(Safetensors.read(path), expected, Map.copyOf(file.metadata()));
        }
    }

    /** Case names whose {@code optimizer} is {@code torchClass} ("SGD", "Adam", "AdamW"), sorted. */
    public List<String> cases(String torchClass) {
        var names = new ArrayList<String>();
        for (var entry : metadata.entrySet()) {
            if (entry.getKey().startsWith("case.") && torchClass.equals(hyperParameters(entry.getKey().substring(5)).get("optimizer"))) {
                names.add(entry.getKey().substring(5));
            }
        }
        names.sort(null);
        return names;
    }

    /** The case's hyper-parameters as PyTorch names them: numbers as Double, flags as Boolean, lists as List. */
    public Map<String, Object> hyperParameters(String caseName) {
        String json = metadata.get("case." + caseName);
        if (json == null) {
            throw new IllegalArgumentException("no case '" + caseName + "' in the fixture");
        }
        @SuppressWarnings("unchecked")
        var map = (Map<String, Object>) new MiniJson(json).value();
        return map;
    }

    /** Fresh parameters with the fixture's initial values, in one group named "all". */
    public List<Parameter> freshParameters() {
        var params = new ArrayList<Parameter>();
        for (String name : PARAMETER_NAMES) {
            params.add(new Parameter(name, Tensor.parameter(tensors.get("init." + name).data().clone(), tensors.get("init." + name).shape())));
        }
        return params;
    }

    /** {@code params} in one group named "all", with the optimizer's defaults. */
    public static List<ParameterGroup> oneGroup(List<Parameter> params) {
        return List.of(ParameterGroup.of("all", params));
    }

    /** Sets every parameter's gradient to the fixture's gradient of step {@code step} (0-based). */
    public void setGradients(List<Parameter> params, int step) {
        for (Parameter p : params) {
            float[] all = tensors.get("grads." + p.name()).data();
            float[] grad = p.value().gradForAccumulation();
            System.arraycopy(all, step * grad.length, grad, 0, grad.length);
        }
    }

    /** The parameter {@code name} after step {@code step} (0-based) of case {@code caseName}, in float64. */
    public double[] expected(String caseName, String name, int step) {
        double[] all = expected.get("expected." + caseName + "." + name);
        int n = all.length / steps;
        double[] row = new double[n];
        System.arraycopy(all, step * n, row, 0, n);
        return row;
    }

    /** Fails naming the case, step, parameter and index of the first value outside 1e-5 abs + 1e-5 rel. */
    public void assertMatches(String caseName, int step, List<Parameter> params) {
        for (Parameter p : params) {
            double[] want = expected(caseName, p.name(), step);
            float[] got = p.value().data();
            if (want.length != got.length) {
                throw new AssertionError(caseName + ": parameter " + p.name() + " has " + got.length + " values, expected " + want.length);
            }
            for (int i = 0; i < got.length; i++) {
                double tolerance = 1e-5 + 1e-5 * Math.abs(want[i]);
                if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
                    throw new AssertionError(caseName + " step " + (step + 1) + " parameter " + p.name() + "[" + i + "]: got "
                            + got[i] + ", PyTorch (float64) " + want[i] + ", difference " + Math.abs(got[i] - want[i]));
                }
            }
        }
    }

    /**
     * Runs every step of the fixture on {@code optimizer} (zero the gradients, set the step's
     * gradients, step) and checks the parameters after each with {@link #assertMatches}.
     */
    public void assertMatchesEveryStep(String caseName, Optimizer optimizer, List<Parameter> params) {
        for (int step = 0; step < steps; step++) {
            optimizer.zeroGrad();
            setGradients(params, step);
            optimizer.step();
            assertMatches(caseName, step, params);
        }
    }

    /**
     * An uninterrupted run and a resumed one over the fixture's gradients, for a test to compare.
     *
     * @param uninterrupted         the parameters after all steps in one run
     * @param resumed               the parameters after the resumed run
     * @param resumedOptimizer      the optimizer of the resumed run, after its last step
     * @param learningRateAfterLoad {@code resumedOptimizer.learningRate()} just after {@code loadState}
     */
    public record Resumption<T extends Optimizer>(List<Parameter> uninterrupted, List<Parameter> resumed, T resumedOptimizer,
                                                  double learningRateAfterLoad) {
    }

    /**
     * Runs all steps in one go, with the learning rate set to {@code rateFromSave} before step
     * {@code saveAfter} (as a schedule would); and runs the same in two parts: {@code saveAfter}
     * steps, the rate set to {@code rateFromSave}, {@code state()} saved, then new tensors holding the
     * parameters' values and a new optimizer that loads the state and takes the remaining steps.
     *
     * @param make a new optimizer over the given groups
     */
    public <T extends Optimizer> Resumption<T> saveAndResume(Function<List<ParameterGroup>, T> make, int saveAfter,
                                                             double rateFromSave) {
        List<Parameter> straight = freshParameters();
        T uninterrupted = make.apply(oneGroup(straight));
        for (int step = 0; step < steps; step++) {
            if (step == saveAfter) {
                uninterrupted.setLearningRate(rateFromSave);
            }
            uninterrupted.zeroGrad();
            setGradients(straight, step);
            uninterrupted.step();
        }

        List<Parameter> first = freshParameters();
        T before = make.apply(oneGroup(first));
        for (int step = 0; step < saveAfter; step++) {
            before.zeroGrad();
            setGradients(first, step);
            before.step();
        }
        before.setLearningRate(rateFromSave);  // the saved rate must come back as well
        var saved = before.state();

        // A fresh run: new tensors holding the values of the parameters at the save, a fresh optimizer.
        List<Parameter> resumed = first.stream()
                .map(p -> new Parameter(p.name(), Tensor.parameter(p.value().data().clone(), p.value().shape())))
                .toList();
        T after = make.apply(oneGroup(resumed));
        after.loadState(saved);
        double rateAfterLoad = after.learningRate();
        for (int step = saveAfter; step < steps; step++) {
            after.zeroGrad();
            setGradients(resumed, step);
            after.step();
        }
        return new Resumption<>(straight, resumed, after, rateAfterLoad);
    }

    /** Just enough JSON for the fixture's metadata: objects, arrays, strings without escapes, numbers, booleans, null. */
    private static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            char c = s.charAt(i);
            if (c == '{') {
                var map = new LinkedHashMap<String, Object>();
                i++;
                skipSpace();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    skipSpace();
                    String key = (String) value();
                    skipSpace();
                    expect(':');
                    map.put(key, value());
                    skipSpace();
                    if (s.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            if (c == '[') {
                var list = new ArrayList<Object>();
                i++;
                skipSpace();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skipSpace();
                    if (s.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            if (c == '"') {
                int end = s.indexOf('"', i + 1);
                String text = s.substring(i + 1, end);
                i = end + 1;
                return text;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private void skipSpace() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("bad JSON at " + (i - 1) + ": " + s);
            }
        }
    }
}
