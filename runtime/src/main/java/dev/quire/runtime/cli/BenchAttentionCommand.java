package dev.quire.runtime.cli;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.bench.AttentionBenchmark;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.Discovery;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire bench attention}: forward and backward time and extra memory of one attention component
 * ({@link AttentionBenchmark}); the last line of standard output is JSON.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = {"Forward and backward time and extra memory of one attention component at one shape:",
                "q [B, H, T, D], k and v [B, G, T, D], random normal inputs; the best of --reps timed calls after "
                        + "--warmup untimed ones.",
                "The last line of standard output is one JSON object: forward_ms, backward_ms, peak_bytes (heap bytes "
                        + "the forward call and its backward pass allocated, on all threads), and the shape.",
                "A shape the implementation refuses, or that does not fit in the heap, prints the JSON with an "
                        + "'error' instead of the numbers and exits with 1."})
final class BenchAttentionCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--impl", required = true, paramLabel = "ID",
            description = "The attention component: standard, flash, or a plugin's id.")
    String impl;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "8", description = "Query heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", paramLabel = "G",
            description = "Key/value heads, a divisor of H; fewer than H is grouped-query attention (default: H).")
    Integer kvHeads;

    @Option(names = "--seq", paramLabel = "T", defaultValue = "1024",
            description = "Sequence length of queries and keys (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "64", description = "Head width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--causal", description = "Causal mask (default: none).")
    boolean causal;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
            description = "Timed repetitions; the best is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed repetitions first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--options", paramLabel = "YAML",
            description = "The component's options as a YAML mapping, as in a pipeline file, e.g. "
                    + "'{queryTile: 128, keyTile: 64}' for flash (default: the component's defaults).")
    String options;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars to load as well.")
    Path plugins;

    BenchAttentionCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        AttentionBenchmark.Config config;
        try {
            config = new AttentionBenchmark.Config(impl, batch, heads, kvHeads == null ? heads : kvHeads, seq, dim,
                    causal, 0, reps, warmup);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bench attention: " + e.getMessage());
        }
        Threads.apply(threads);
        Map<String, Object> result;
        try (var components = Discovery.discover(Optional.ofNullable(plugins), List.of())) {
            ComponentEntry entry;
            try {
                entry = components.catalog().require(ComponentKind.ATTENTION, impl);
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("bench attention: " + e.getMessage(), e);
            }
            Record chosen = options == null ? entry.defaultOptions() : bind(entry, options);
            Attention attention;
            try {
                attention = (Attention) entry.create(chosen);
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("bench attention: attention '" + impl + "': " + e.getMessage(), e);
            }
            console.note(String.format(Locale.ROOT, "bench attention %s: B=%d H=%d G=%d T=%d D=%d%s, %d threads, "
                            + "%d warm-up and %d timed calls...", impl, config.batch(), config.heads(), config.kvHeads(),
                    config.seq(), config.dim(), causal ? " causal" : "", dev.quire.tensor.Parallel.threads(),
                    config.warmup(), config.reps()));
            Map<String, Object> measured = AttentionBenchmark.run(config, attention);
            result = new LinkedHashMap<>();
            result.put("impl", measured.remove("impl"));
            result.put("options", chosen);
            result.putAll(measured);
        }
        if (result.containsKey("error")) {
            console.note(String.format(Locale.ROOT, "quire: bench attention %s: %s (at this shape a B·H·T·T float32 score "
                    + "matrix is %s; the heap holds at most %s)", impl, result.get("error"),
                    bytes(result.get("score_matrix_bytes")), bytes(result.get("max_heap_bytes"))));
            console.say(Json.write(result));
            return Main.FAILURE;
        }
        console.say(String.format(Locale.ROOT, "bench attention %s: forward %s ms, backward %s ms, peak %s",
                impl, result.get("forward_ms"), result.get("backward_ms"), bytes(result.get("peak_bytes"))));
        console.say(Json.write(result));
        return 0;
    }

    /** {@code --options} bound to the component's options record, strictly, as a pipeline file's block would be. */
    private Record bind(ComponentEntry entry, String yaml) {
        return bind(entry.provider().optionsType(), entry.defaultOptions(), yaml);
    }

    private <R extends Record> R bind(Class<R> type, Record defaults, String yaml) {
        var root = YamlDocument.parse(Path.of("--options"), yaml).root();
        var map = root.mapping("a mapping of option names to values, e.g. '{queryTile: 128}'");
        return OptionsBinder.bind(map, Set.of(), type, type.cast(defaults), "attention '" + impl + "'", Path.of(""));
    }

    private static String bytes(Object value) {
        if (!(value instanceof Long n)) {
            return "unknown (the JVM does not count allocations)";
        }
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / 1073741824.0);
        }
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
}
