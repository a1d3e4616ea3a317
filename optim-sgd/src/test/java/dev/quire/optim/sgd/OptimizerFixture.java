package dev.quire.optim.sgd;

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

/**
 * The PyTorch reference {@code ../shared/reference/optimizers.safetensors}: initial parameters
 * {@code init.w [3,5]} and {@code init.b [5]}, 20 steps of gradients {@code grads.<name> [20, ...]},
 * and for every case the parameters after every step, {@code expected.<case>.<name> [20, ...]} (float64).
 * Each case's hyper-parameters are JSON in the metadata under {@code case.<case>}.
 */
final class OptimizerFixture {

    static final List<String> PARAMETER_NAMES = List.of("w", "b");

    /** The float32 tensors (inputs), by name. */
    private final Map<String, Tensor> tensors;
    /** The float64 tensors (expected values), exactly, by name. */
    private final Map<String, double[]> expected;
    private final Map<String, String> metadata;
    final int steps;

    private OptimizerFixture(Map<String, Tensor> tensors, Map<String, double[]> expected, Map<String, String> metadata) {
        this.tensors = tensors;
        this.expected = expected;
        this.metadata = metadata;
        this.steps = Integer.parseInt(metadata.get("steps"));
    }

    static OptimizerFixture load() {
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
    List<String> cases(String torchClass) {
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
    Map<String, Object> hyperParameters(String caseName) {
        String json = metadata.get("case." + caseName);
        if (json == null) {
            throw new IllegalArgumentException("no case '" + caseName + "' in the fixture");
        }
        @SuppressWarnings("unchecked")
        var map = (Map<String, Object>) new MiniJson(json).value();
        return map;
    }

    /** Fresh parameters with the fixture's initial values, in one group named "all". */
    List<Parameter> freshParameters() {
        var params = new ArrayList<Parameter>();
        for (String name : PARAMETER_NAMES) {
            params.add(new Parameter(name, Tensor.parameter(tensors.get("init." + name).data().clone(), tensors.get("init." + name).shape())));
        }
        return params;
    }

    static List<ParameterGroup> oneGroup(List<Parameter> params) {
        return List.of(ParameterGroup.of("all", params));
    }

    /** Sets every parameter's gradient to the fixture's gradient of step {@code step} (0-based). */
    void setGradients(List<Parameter> params, int step) {
        for (Parameter p : params) {
            float[] all = tensors.get("grads." + p.name()).data();
            float[] grad = p.value().gradForAccumulation();
            System.arraycopy(all, step * grad.length, grad, 0, grad.length);
        }
    }

    /** The parameter {@code name} after step {@code step} (0-based) of case {@code caseName}, in float64. */
    double[] expected(String caseName, String name, int step) {
        double[] all = expected.get("expected." + caseName + "." + name);
        int n = all.length / steps;
        double[] row = new double[n];
        System.arraycopy(all, step * n, row, 0, n);
        return row;
    }

    /** Fails naming the case, step, parameter and index of the first value outside 1e-5 abs + 1e-5 rel. */
    void assertMatches(String caseName, int step, List<Parameter> params) {
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
