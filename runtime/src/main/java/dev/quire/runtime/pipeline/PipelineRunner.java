package dev.quire.runtime.pipeline;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import dev.quire.api.ComponentKind;
import dev.quire.api.Stage;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.config.PipelineParser;
import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.config.AlignOptions;
import dev.quire.runtime.config.EvaluateOptions;
import dev.quire.runtime.config.FinetuneOptions;
import dev.quire.runtime.config.PretrainOptions;
import dev.quire.runtime.config.RewardOptions;
import dev.quire.runtime.config.SampleOptions;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.console.JsonLinesMetrics;
import dev.quire.runtime.console.ProgressBar;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.discovery.Discovery.Components;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.stages.AlignStage;
import dev.quire.runtime.stages.FinetuneStage;
import dev.quire.runtime.stages.PretrainStage;
import dev.quire.runtime.stages.RewardStage;
import dev.quire.runtime.stages.RunFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * Runs a pipeline: read and validate the whole file (discovering components on the way), check the
 * output directory, and only then create it, build one Guice injector for the run and run the
 * stages in order. Nothing is written before every check has passed.
 */
public final class PipelineRunner {

    private PipelineRunner() {
    }

    /**
     * A pipeline read and validated, with its components loaded (close it to unload plugins).
     *
     * @param config     the configuration
     * @param components the components found
     * @param stages     creates the built-in stages once the run's injector exists
     * @param text       the pipeline file's text, copied into the output directory
     */
    public record Loaded(PipelineConfig config, Components components, StageFactory stages, String text)
            implements AutoCloseable {
        @Override
        public void close() {
            components.close();
        }
    }

    /**
     * Reads, validates and discovers.
     *
     * @throws dev.quire.runtime.config.ConfigException on any problem with the file
     * @throws dev.quire.runtime.discovery.PluginException on any problem with plugins
     */
    public static Loaded load(YamlDocument document, String text, Overrides overrides) {
        var stages = new StageFactory();
        var parsed = PipelineParser.parse(document, overrides,
                plugins -> Discovery.discover(plugins, BuiltinStages.entries(stages)), Components::catalog);
        return new Loaded(parsed.config(), parsed.components(), stages, text);
    }

    /** Reads a pipeline file; see {@link #load(YamlDocument, String, Overrides)}. */
    public static Loaded load(Path file, Overrides overrides) {
        YamlDocument document = YamlDocument.read(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return load(document, text, overrides);
    }

    /**
     * The output-directory checkpoint a fine-tune, reward or align stage starts from when no earlier stage
     * left a model: {@code latest} for an empty option, {@code latest}/{@code best} as given, null for a
     * checkpoint file of its own (its stage's {@code checkInput} checks that one).
     */
    private static String startingCheckpoint(String option) {
        if (option.isEmpty()) {
            return "latest";
        }
        return option.equals("latest") || option.equals("best") ? option : null;
    }

    /**
     * Checks the output directory against the run's settings, and the input files of the fine-tune, reward
     * and align stages, without writing anything.
     *
     * @throws QuireUserException if the directory holds a run and {@code resume} is off, or holds none
     *                            to resume
     */
    public static void checkOutput(PipelineConfig config, RunSettings settings) {
        Path output = config.output();
        Path latest = RunFiles.latest(output);
        boolean pretrains = config.stages().stream().anyMatch(s -> s.options() instanceof PretrainOptions);
        // The data of fine-tuning, reward and alignment stages is read and checked before any stage runs:
        // a bad line costs no pretraining.
        for (ComponentChoice stage : config.stages()) {
            switch (stage.options()) {
                case FinetuneOptions finetune -> FinetuneStage.checkInput(finetune, config);
                case RewardOptions reward -> RewardStage.checkInput(reward, config);
                case AlignOptions align -> AlignStage.checkInput(align, config);
                default -> { }
            }
        }
        // Stages that need a model and come before any stage that leaves one read it from the output directory.
        for (ComponentChoice stage : config.stages()) {
            if (stage.options() instanceof PretrainOptions) {
                break;
            }
            String which = switch (stage.options()) {
                case EvaluateOptions e -> e.checkpoint();
                case SampleOptions s -> s.checkpoint();
                // Empty: the model of an earlier stage, here none, so the output directory's latest checkpoint.
                case FinetuneOptions f -> startingCheckpoint(f.checkpoint());
                case RewardOptions r -> startingCheckpoint(r.checkpoint());
                case AlignOptions a -> startingCheckpoint(a.checkpoint());
                default -> null;
            };
            if (which != null && !Files.isRegularFile(RunFiles.named(output, which))) {
                throw new QuireUserException("stage " + stage.role() + " needs a model, but no pretrain stage comes "
                        + "before it and " + RunFiles.named(output, which) + " does not exist. Add a pretrain stage, "
                        + "or point --output at the directory of a finished run.");
            }
            if (stage.options() instanceof FinetuneOptions || stage.options() instanceof AlignOptions) {
                break; // it leaves a model for the stages after it
            }
        }
        if (settings.resume()) {
            if (pretrains && !Files.isRegularFile(latest)) {
                throw new QuireUserException("nothing to resume: " + latest + " does not exist. Run without --resume "
                        + "to start the pipeline in " + output + ".");
            }
            // A checkpoint that cannot be resumed is refused before anything is written.
            for (ComponentChoice stage : config.stages()) {
                if (stage.options() instanceof PretrainOptions pretrain) {
                    PretrainStage.checkResumable(latest, Checkpoints.read(latest), config, pretrain);
                    break;
                }
            }
            return;
        }
        if (pretrains && (Files.exists(latest) || Files.exists(RunFiles.metrics(output)))) {
            throw new QuireUserException("output directory " + output + " already holds a run ("
                    + (Files.exists(latest) ? latest.getFileName() : RunFiles.metrics(output).getFileName())
                    + "). Pass --resume to continue it, --output to write elsewhere, or delete it.");
        }
    }

    /**
     * Copies the pipeline into the output directory as {@code pipeline.yaml}; a later run into the same
     * directory with a different pipeline (a resume with more steps, an evaluation) keeps the first and
     * adds {@code pipeline-<time>.yaml}.
     */
    private static void savePipeline(Path output, String text) throws IOException {
        Path file = output.resolve("pipeline.yaml");
        if (Files.exists(file)) {
            if (Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                return;
            }
            String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            file = output.resolve("pipeline-" + stamp + ".yaml");
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Runs the stages. Call {@link #checkOutput} first.
     *
     * @throws Exception whatever a stage throws
     */
    public static void run(Loaded loaded, RunSettings settings, Console console) throws Exception {
        PipelineConfig config = loaded.config();
        checkOutput(config, settings);
        Path output = config.output();
        Files.createDirectories(output);
        savePipeline(output, loaded.text());
        long started = System.nanoTime();
        try (var metrics = new JsonLinesMetrics(RunFiles.metrics(output))) {
            Injector injector;
            try {
                injector = Guice.createInjector(new RunModule(config, settings, console, metrics,
                        loaded.components().catalog(), loaded.stages()));
            } catch (CreationException e) {
                throw new IllegalStateException("cannot wire the run: " + e.getMessage(), e);
            }
            RunContext context = injector.getInstance(RunContext.class);
            var names = new ArrayList<String>();
            config.stages().forEach(s -> names.add(s.id()));
            console.note("quire: running " + config.file().getFileName() + " (" + String.join(" -> ", names)
                    + ") into " + output);
            for (ComponentChoice choice : config.stages()) {
                Stage stage;
                try {
                    stage = (Stage) loaded.components().catalog().require(ComponentKind.STAGE, choice.id())
                            .create(choice.options());
                } catch (ProvisionException | CreationException e) {
                    throw new IllegalStateException("cannot create stage " + choice.id() + ": " + e.getMessage(), e);
                }
                context.beginStage(choice.id());
                try {
                    stage.run(context);
                } finally {
                    context.endStage();
                }
            }
        }
        console.note("quire: done in " + ProgressBar.formatDuration((System.nanoTime() - started) / 1e9)
                + "; outputs in " + output);
    }
}
