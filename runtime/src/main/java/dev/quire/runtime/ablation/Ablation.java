package dev.quire.runtime.ablation;

import dev.quire.json.Json;
import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.pipeline.PipelineRunner;
import dev.quire.runtime.pipeline.RunSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Ablations as ordinary tests: runs a base pipeline once per named variation and seed, within a step
 * budget, and returns each variation's metrics with their mean and spread over the seeds.
 *
 * <pre>{@code
 * Ablation.Result result = Ablation.of(baseYaml)
 *         .variation("adamw", Map.of("optimizer", Map.of("id", "adamw", "lr", 3e-3)))
 *         .variation("sgd", Map.of("optimizer", Map.of("id", "sgd", "lr", 3e-3)))
 *         .variation("dropout", Map.of("regularizers", List.of(Map.of("id", "dropout"))))
 *         .seeds(1, 2, 3)
 *         .steps(200)
 *         .workDirectory(tempDir)
 *         .run();
 * assertThat(result.get("adamw").metric("val_loss").mean())
 *         .isLessThan(result.get("sgd").metric("val_loss").mean());
 * }</pre>
 *
 * <p>A variation is a set of changes to the pipeline file, by dotted key: {@code "optimizer"} replaces
 * the whole block (a component swap), {@code "optimizer.weightDecay"} one option (a block written as a
 * bare id, {@code optimizer: sgd}, becomes {@code {id: sgd}} first), {@code "stages.pretrain.batchSize"}
 * an option of the stage of that id; a {@code null} value removes the key. Each run's {@code seed},
 * {@code output} and pretrain {@code steps} are set by the ablation. The runs are sequential and
 * deterministic: the same ablation gives the same numbers.
 *
 * <p>Metrics of a run, read from its {@code metrics.jsonl}: {@code val_loss} and {@code train_loss} of
 * the last evaluation, {@code gap} (validation minus training loss, the measure of over-fitting),
 * {@code best_val_loss}, and {@code steps} (fewer than the budget when a regularizer stopped the run).
 */
public final class Ablation {

    /** The metrics every run reports. */
    public static final List<String> METRICS = List.of("val_loss", "train_loss", "gap", "best_val_loss", "steps");

    private final Map<String, Object> base;
    private final Map<String, Map<String, Object>> variations = new LinkedHashMap<>();
    private long[] seeds = {1};
    private int steps = -1;
    private Path workDirectory;

    private Ablation(Map<String, Object> base) {
        this.base = base;
    }

    /** An ablation of the pipeline file {@code yaml} (its text). */
    @SuppressWarnings("unchecked")
    public static Ablation of(String yaml) {
        Object loaded = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the base pipeline must be a mapping");
        }
        return new Ablation((Map<String, Object>) map);
    }

    /** Adds a variation: {@code changes} by dotted key (see the class comment); names must be unique. */
    public Ablation variation(String name, Map<String, Object> changes) {
        Objects.requireNonNull(name, "name");
        if (variations.containsKey(name)) {
            throw new IllegalArgumentException("variation '" + name + "' is defined twice");
        }
        variations.put(name, new LinkedHashMap<>(changes));
        return this;
    }

    /** The seeds each variation runs with (default: 1). */
    public Ablation seeds(long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("an ablation needs at least one seed");
        }
        this.seeds = seeds.clone();
        return this;
    }

    /** The pretrain stage's steps in every run (default: what the base pipeline says). */
    public Ablation steps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.steps = steps;
        return this;
    }

    /** Where the runs write (one directory per variation and seed); required. */
    public Ablation workDirectory(Path directory) {
        this.workDirectory = directory;
        return this;
    }

    /**
     * Runs every variation with every seed.
     *
     * @throws IllegalStateException if no variation or no work directory was given, or a run fails
     */
    public Result run() {
        if (variations.isEmpty()) {
            throw new IllegalStateException("an ablation needs at least one variation");
        }
        if (workDirectory == null) {
            throw new IllegalStateException("set workDirectory(...) first");
        }
        var results = new LinkedHashMap<String, Variation>();
        for (var variation : variations.entrySet()) {
            var runs = new ArrayList<Map<String, Double>>();
            for (long seed : seeds) {
                runs.add(runOne(variation.getKey(), variation.getValue(), seed));
            }
            var stats = new LinkedHashMap<String, Stats>();
            for (String metric : METRICS) {
                double[] values = runs.stream().mapToDouble(r -> r.get(metric)).toArray();
                stats.put(metric, Stats.of(values));
            }
            results.put(variation.getKey(), new Variation(variation.getKey(), stats, List.copyOf(runs)));
        }
        return new Result(results);
    }

    private Map<String, Double> runOne(String name, Map<String, Object> changes, long seed) {
        Map<String, Object> pipeline = deepCopy(base);
        changes.forEach((key, value) -> set(pipeline, key, value));
        Path dir = workDirectory.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_")).resolve("seed-" + seed);
        set(pipeline, "seed", seed);
        set(pipeline, "output", dir.resolve("out").toString());
        if (steps > 0) {
            set(pipeline, "stages.pretrain.steps", steps);
        }
        try {
            Files.createDirectories(dir);
            // JSON is YAML: the pipeline parser reads it like any pipeline file.
            Path file = Files.writeString(dir.resolve("pipeline.yaml"), Json.writePretty(pipeline));
            Writer nowhere = Writer.nullWriter();
            var console = new Console(new PrintWriter(nowhere), new PrintWriter(nowhere), false);
            try (var loaded = PipelineRunner.load(file, Overrides.NONE)) {
                PipelineRunner.run(loaded, new RunSettings(false), console);
            }
            return metrics(dir.resolve("out").resolve("metrics.jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("ablation run '" + name + "' with seed " + seed + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The metrics of one run from its {@code metrics.jsonl}. */
    static Map<String, Double> metrics(Path file) throws IOException {
        double val = Double.NaN;
        double train = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        double lastStep = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{\"stage\":\"pretrain\"")) {
                continue;
            }
            Json.Node node = Json.parse(line, file.toString());
            lastStep = Math.max(lastStep, number(node.get("step")));
            if (node.has("val_loss")) {
                val = number(node.get("val_loss"));
                train = number(node.get("train_loss"));
                best = Math.min(best, val);
            }
        }
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("val_loss", val);
        metrics.put("train_loss", train);
        metrics.put("gap", val - train);
        metrics.put("best_val_loss", best);
        metrics.put("steps", lastStep);
        return metrics;
    }

    private static double number(Json.Node node) {
        return ((Number) node.value()).doubleValue();
    }

    /** Sets {@code dottedKey} in {@code root} (see the class comment). */
    @SuppressWarnings("unchecked")
    static void set(Map<String, Object> root, String dottedKey, Object value) {
        String[] path = dottedKey.split("\\.");
        Map<String, Object> map = root;
        int i = 0;
        while (i < path.length - 1) {
            String key = path[i];
            Object current = map.get(key);
            if (current instanceof List<?> list) {
                // A list of entries named by id (the stages): "pretrain" or {pretrain: {...}}; the next key is the id.
                if (i + 1 >= path.length - 1) {
                    throw new IllegalArgumentException("key '" + key + "' is a list; use '" + key + ".<id>.<option>'");
                }
                map = entry((List<Object>) list, path[i + 1], dottedKey);
                i += 2;
                continue;
            }
            Map<String, Object> next;
            if (current instanceof Map<?, ?> m) {
                next = (Map<String, Object>) m;
            } else {
                next = new LinkedHashMap<>();
                if (current instanceof String id) {
                    next.put("id", id); // a component block written as its bare id
                }
                map.put(key, next);
            }
            map = next;
            i++;
        }
        String last = path[path.length - 1];
        if (value == null) {
            map.remove(last);
        } else {
            map.put(last, value instanceof Map || value instanceof List ? deepCopy(value) : value);
        }
    }

    /** The options mapping of the list entry with that id, made a mapping if it was a bare id. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(List<Object> items, String id, String dottedKey) {
        for (int j = 0; j < items.size(); j++) {
            Object item = items.get(j);
            if (id.equals(item)) {
                var options = new LinkedHashMap<String, Object>();
                var entry = new LinkedHashMap<String, Object>();
                entry.put(id, options);
                items.set(j, entry);
                return options;
            }
            if (item instanceof Map<?, ?> m && m.size() == 1 && m.containsKey(id)) {
                Object options = m.get(id);
                if (options instanceof Map<?, ?> o) {
                    return (Map<String, Object>) o;
                }
                var created = new LinkedHashMap<String, Object>();
                ((Map<String, Object>) m).put(id, created);
                return created;
            }
        }
        throw new IllegalArgumentException("'" + dottedKey + "': no entry '" + id + "' in the list");
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            var copy = new LinkedHashMap<String, Object>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            var copy = new ArrayList<Object>();
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }

    /** Mean and spread of one metric over the seeds. */
    public record Stats(double mean, double std, double min, double max, double[] values) {
        /** The sample standard deviation (n − 1 in the denominator; 0 for one value). */
        static Stats of(double[] values) {
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                mean += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            mean /= values.length;
            double squares = 0;
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            double std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
            return new Stats(mean, std, min, max, values.clone());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.4f ± %.4f (n=%d)", mean, std, values.length);
        }
    }

    /** One variation's metrics over the seeds, and each run's own. */
    public record Variation(String name, Map<String, Stats> metrics, List<Map<String, Double>> runs) {
        /** The statistics of {@code metric}, one of {@link #METRICS}. */
        public Stats metric(String metric) {
            Stats stats = metrics.get(metric);
            if (stats == null) {
                throw new IllegalArgumentException("no metric '" + metric + "'; there are " + METRICS);
            }
            return stats;
        }
    }

    /** Every variation's results, in the order they were added. */
    public record Result(Map<String, Variation> variations) {
        /** The variation of that name. */
        public Variation get(String name) {
            Variation v = variations.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no variation '" + name + "'; there are " + variations.keySet());
            }
            return v;
        }

        /** A table of every variation's metrics (mean ± std), for a test's output. */
        public String table() {
            var out = new StringBuilder(String.format("%-16s", "variation"));
            METRICS.forEach(m -> out.append(String.format("%24s", m)));
            out.append('\n');
            for (Variation v : variations.values()) {
                out.append(String.format("%-16s", v.name()));
                METRICS.forEach(m -> out.append(String.format("%24s", v.metric(m))));
                out.append('\n');
            }
            return out.toString();
        }
    }
}
