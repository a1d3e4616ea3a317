package dev.quire.runtime.cli;

import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.pipeline.PipelineRunner;
import dev.quire.runtime.pipeline.RunSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire run FILE}: runs a pipeline file. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a pipeline file: validate it all first, then run its stages in order.",
                "Writes metrics.jsonl, checkpoint-latest.pb, checkpoint-best.pb and samples.txt to its output directory."})
final class RunCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline file (YAML).")
    Path file;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars (replaces the file's 'plugins').")
    Path plugins;

    @Option(names = "--output", paramLabel = "DIR", description = "Output directory (replaces the file's 'output').")
    Path output;

    @Option(names = "--resume", description = "Continue the run in the output directory from checkpoint-latest.pb.")
    boolean resume;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    RunCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Threads.apply(threads);
        try (var loaded = PipelineRunner.load(file, new Overrides(Optional.ofNullable(plugins), Optional.ofNullable(output)))) {
            var settings = new RunSettings(resume);
            PipelineRunner.checkOutput(loaded.config(), settings);
            PipelineRunner.run(loaded, settings, console);
        }
        return 0;
    }
}
