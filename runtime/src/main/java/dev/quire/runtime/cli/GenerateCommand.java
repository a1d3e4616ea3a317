package dev.quire.runtime.cli;

import dev.quire.model.Rng;
import dev.quire.model.SamplingConfig;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.runtime.stages.SampleStage;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quire generate}: samples text from a checkpoint. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with the model of a checkpoint (key/value-cache sampling).")
final class GenerateCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint written by a run.")
    Path checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "Text to continue (default: a newline).")
    String prompt;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "200", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "0 = greedy; below 1 sharper, above 1 flatter (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "Nucleus sampling in (0, 1]; 1 = off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars (if the checkpoint used a plugin's component).")
    Path plugins;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    GenerateCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        SamplingConfig sampling;
        try {
            sampling = new SamplingConfig(temperature, topK, topP);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (tokens < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tokens must be >= 0, got " + tokens);
        }
        Threads.apply(threads);
        Checkpoint file = Checkpoints.read(checkpoint);
        try (var components = Discovery.discover(Optional.ofNullable(plugins), BuiltinStages.entries(new StageFactory()))) {
            var restored = ModelCheckpoints.restore(checkpoint, file, components.catalog());
            console.note(String.format("quire: %s, step %d, %,d parameters", checkpoint, file.header().getStep(),
                    restored.model().parameterCount()));
            SampleStage.generate(restored.model(), restored.tokenizer(), prompt, tokens, sampling, new Rng(seed),
                    console.out());
        }
        return 0;
    }
}
