package dev.quire.runtime.cli;

import dev.quire.runtime.bench.TrainBenchmark;
import dev.quire.runtime.bench.TrainBenchmark.Data;
import dev.quire.runtime.bench.TrainBenchmark.Preset;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.console.ProgressBar;
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

/** {@code quire bench train}: training tokens per second; the last line of standard output is JSON. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Training speed (forward + backward + AdamW) of a nanoGPT-shaped character model.",
                "tiny: 4 layers, 4 heads, width 128, context 64, batch 12; small: 6 layers, 6 heads, width 384, "
                        + "context 256, batch 16; vocabulary 65.",
                "The last line of standard output is one JSON object (tokens_per_sec, step_ms, params, threads, ...)."})
final class BenchTrainCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "tiny or small.")
    String preset;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Untimed steps first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    @Option(names = "--attention", paramLabel = "ID", defaultValue = TrainBenchmark.DEFAULT_ATTENTION,
            description = "The attention component's id: flash or standard (default: ${DEFAULT-VALUE}).")
    String attention;

    @Option(names = "--data", paramLabel = "KIND", defaultValue = "random",
            description = "random (as the PyTorch anchor) or demo (the demo corpus) (default: ${DEFAULT-VALUE}).")
    Data data;

    BenchTrainCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        Preset chosen = Preset.all().stream().filter(p -> p.name().equalsIgnoreCase(preset)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                        "unknown preset '" + preset + "'; choose tiny or small"));
        if (steps < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1 and --warmup >= 0");
        }
        Threads.apply(threads);
        Map<String, Object> result;
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            ProgressBar bar = console.progress("bench " + chosen.name());
            result = TrainBenchmark.run(chosen, steps, warmup, data, attention, components.catalog(), bar);
            bar.finish();
        }
        console.say(String.format(Locale.ROOT, "bench train %s: %s tokens/s, %s ms/step, %,d parameters, %d threads",
                chosen.name(), result.get("tokens_per_sec"), result.get("step_ms"), (Long) result.get("params"),
                (Integer) result.get("threads")));
        console.say(Json.write(result));
        return 0;
    }
}
