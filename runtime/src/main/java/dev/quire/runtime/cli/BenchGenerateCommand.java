package dev.quire.runtime.cli;

import dev.quire.runtime.bench.GenerateBenchmark;
import dev.quire.runtime.bench.TrainBenchmark.Preset;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.Discovery;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quire bench generate}: generation tokens per second with the key/value cache; the last line is JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generation speed (greedy, key/value cache, one-token prompt) of a preset's model.",
                "Presets as for 'bench train' (tiny, small).",
                "The last line of standard output is one JSON object (tokens_per_sec, ms_per_token, ...)."})
final class BenchGenerateCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "tiny or small.")
    String preset;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "255",
            description = "New tokens per run, at most the context minus one (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Timed runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed runs first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    BenchGenerateCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        Preset chosen = Preset.all().stream().filter(p -> p.name().equalsIgnoreCase(preset)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                        "unknown preset '" + preset + "'; choose tiny or small"));
        if (runs < 1 || warmup < 0 || tokens < 1 || tokens >= chosen.context()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be >= 1, --warmup >= 0 and --tokens from 1 to "
                    + (chosen.context() - 1));
        }
        Threads.apply(threads);
        Map<String, Object> result;
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            result = GenerateBenchmark.run(chosen, tokens, runs, warmup, components.catalog());
        }
        console.say(String.format(Locale.ROOT, "bench generate %s: %s tokens/s (%s ms/token) over %d tokens, %d threads",
                chosen.name(), result.get("tokens_per_sec"), result.get("ms_per_token"), tokens,
                (Integer) result.get("threads")));
        console.say(Json.write(result));
        return 0;
    }
}
