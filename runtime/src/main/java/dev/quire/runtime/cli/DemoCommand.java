package dev.quire.runtime.cli;

import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.demo.DemoChain;
import dev.quire.runtime.pipeline.PipelineRunner;
import dev.quire.runtime.pipeline.RunSettings;
import dev.quire.runtime.stages.RunFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quire demo}: the built-in pipeline on the built-in corpus. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a small character-level GPT on a generated corpus of fables, evaluate it and sample",
                "from it: the whole pipeline in a minute or two, nothing to download.",
                "With --chain, then fine-tune it on generated prompt/completion pairs and align it with DPO on",
                "rankings by a simulated person (docs/alignment-data.md), and compare the two by that person's taste.",
                "Writes into a fresh directory quire-runs/demo-<time> (or --output)."})
final class DemoCommand implements Callable<Integer> {

    static final String RESOURCE = "/dev/quire/runtime/demo/demo.yaml";

    /** Steps of the default demo: about a minute of training on two idle cores. */
    static final int DEFAULT_STEPS = 800;

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR", description = "Output directory (default: quire-runs/demo-<time>).")
    Path output;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "" + DEFAULT_STEPS,
            description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    @Option(names = "--show-pipeline", description = "Print the demo's pipeline file and exit.")
    boolean showPipeline;

    @Option(names = "--chain", description = "Also fine-tune and align (DPO) on built-in data: pretrain -> finetune -> align.")
    boolean chain;

    @Option(names = "--finetune-steps", paramLabel = "N", defaultValue = "" + DemoChain.FINETUNE_STEPS,
            description = "With --chain: fine-tuning steps (default: ${DEFAULT-VALUE}).")
    int finetuneSteps;

    @Option(names = "--align-steps", paramLabel = "N", defaultValue = "" + DemoChain.ALIGN_STEPS,
            description = "With --chain: DPO updates (default: ${DEFAULT-VALUE}).")
    int alignSteps;

    @Option(names = "--compare", paramLabel = "N", defaultValue = "" + DemoChain.COMPARE_PROMPTS,
            description = "With --chain: held-out prompts on which the fine-tuned and the aligned model are compared (default: ${DEFAULT-VALUE}).")
    int comparePrompts;

    @Option(names = "--align-lr", paramLabel = "LR", defaultValue = "" + DemoChain.ALIGN_LEARNING_RATE,
            description = "With --chain: DPO learning rate (default: ${DEFAULT-VALUE}).")
    double alignLearningRate;

    @Option(names = "--beta", paramLabel = "B", defaultValue = "" + DemoChain.BETA,
            description = "With --chain: DPO's beta, the strength of the pull toward the fine-tuned model (default: ${DEFAULT-VALUE}).")
    double beta;

    DemoCommand(Console console) {
        this.console = console;
    }

    /** The demo pipeline's text for {@code steps} training steps. */
    static String pipeline(int steps) {
        String template;
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo pipeline " + RESOURCE + " is missing from the runtime jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int interval = steps < 8 ? steps : steps / 8; // a very short demo (a test) evaluates once, at the end
        int warmup = Math.min(50, steps / 10);
        return template.replace("{{steps}}", Integer.toString(steps))
                .replace("{{interval}}", Integer.toString(interval))
                .replace("{{warmup}}", Integer.toString(warmup));
    }

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || steps > 1_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be from 1 to 1000000, got " + steps);
        }
        for (var check : new Object[][] {{finetuneSteps, "--finetune-steps"}, {alignSteps, "--align-steps"},
                {comparePrompts, "--compare"}}) {
            int value = (Integer) check[0];
            if (value < 1 || value > 1_000_000) {
                throw new CommandLine.ParameterException(spec.commandLine(), check[1] + " must be from 1 to 1000000, got "
                        + value);
            }
        }
        if (!(alignLearningRate > 0 && alignLearningRate < 1) || !(beta > 0 && beta <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--align-lr must be in (0, 1) and --beta in "
                    + "(0, 100], got " + alignLearningRate + " and " + beta);
        }
        Path dir = output != null ? output : freshDirectory();
        Path data = DemoChain.dataDirectory(dir);
        String text = chain ? DemoChain.pipeline(pipeline(steps), data, finetuneSteps, alignSteps, alignLearningRate, beta) : pipeline(steps);
        if (showPipeline) {
            console.out().print(text);
            console.out().flush();
            return 0;
        }
        Threads.apply(threads);
        var document = YamlDocument.parse(Path.of("demo.yaml"), text);
        try (var loaded = PipelineRunner.load(document, text, new Overrides(Optional.empty(), Optional.of(dir)))) {
            var settings = new RunSettings(false);
            // The chain's data files must exist before the stages' input is checked; they are not written into
            // a directory that holds a run already (which checkOutput then refuses).
            if (chain && !Files.exists(RunFiles.latest(dir)) && !Files.exists(RunFiles.metrics(dir))) {
                DemoChain.writeData(data, console);
            }
            PipelineRunner.checkOutput(loaded.config(), settings);
            PipelineRunner.run(loaded, settings, console);
            if (chain) {
                DemoChain.compare(dir, loaded.components().catalog(), comparePrompts, console);
            }
        }
        return 0;
    }

    private static Path freshDirectory() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = Path.of("quire-runs");
        Path dir = base.resolve("demo-" + stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolve("demo-" + stamp + "-" + i);
        }
        return dir;
    }
}
