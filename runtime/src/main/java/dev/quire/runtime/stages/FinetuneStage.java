package dev.quire.runtime.stages;

import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.model.EvalReport;
import dev.quire.model.FinetuneConfig;
import dev.quire.model.FinetuneData;
import dev.quire.model.FinetuneListener;
import dev.quire.model.Finetuner;
import dev.quire.model.Freezing;
import dev.quire.model.Gpt;
import dev.quire.model.Lora;
import dev.quire.model.LoraConfig;
import dev.quire.model.PromptCompletion;
import dev.quire.model.PromptCompletionFile;
import dev.quire.model.PromptCompletionTokens;
import dev.quire.model.TrainingResult;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.FinetuneOptions;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.console.ProgressBar;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code finetune} stage: supervised fine-tuning of the model an earlier stage left (or a
 * checkpoint) on prompt/completion JSON lines, with the loss on completion tokens only
 * ({@link Finetuner}). Optionally freezes parameters by name pattern ({@link Freezing}) or trains LoRA
 * adapters on chosen linear layers ({@link Lora}), merged into the weights at the end unless
 * {@code merge: false}.
 *
 * <p>Writes {@value FinetuneCheckpoints#MODEL_FILE} (the fine-tuned model; with unmerged adapters, their
 * merged equivalent, so any Quire can load it) and, with LoRA, {@value FinetuneCheckpoints#ADAPTERS_FILE}
 * (the adapters alone). Leaves the model for later stages as a {@link ModelBundle} (and under the API
 * types), as {@code pretrain} does; after a merge, or freezing without LoRA, every parameter is trainable
 * again, so a later stage starts from a plain model. With {@code merge: false} the adapters stay attached
 * and the base weights frozen.
 */
public final class FinetuneStage implements Stage {

    /** Examples of {@code builtin: demo}. */
    static final int DEMO_EXAMPLES = 256;

    private final FinetuneOptions options;
    private final PipelineConfig config;
    private final ComponentCatalog catalog;

    @Inject
    FinetuneStage(FinetuneOptions options, PipelineConfig config, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.catalog = catalog;
    }

    /**
     * The checks of the stage's input that need no model: data given, the data file readable and every
     * line valid, a named checkpoint file present. The stage makes them first; a runner can make them
     * before any stage runs, so that a bad line costs no pretraining.
     *
     * @return the examples
     * @throws QuireUserException naming the file (and line) and what was expected
     */
    public static List<PromptCompletion> checkInput(FinetuneOptions options, PipelineConfig config) {
        if (options.data() == null && options.builtin().isEmpty()) {
            throw new QuireUserException("stage finetune of " + config.file() + " has no data: set data: to a "
                    + "JSON-lines file of {\"prompt\": ..., \"completion\": ...} objects (or builtin: demo)");
        }
        String which = options.checkpoint();
        if (!which.isEmpty() && !which.equals("latest") && !which.equals("best")) {
            checkpointFile(which, config);
        }
        return options.data() == null ? FinetuneDemoData.examples(DEMO_EXAMPLES, config.seed()) : load(options.data());
    }

    @Override
    public void run(StageContext context) {
        // Read and check the data before anything else: a bad line should cost no training.
        List<PromptCompletion> examples = checkInput(options, config);
        ModelBundle start = startingModel(context);
        Gpt model = start.model();
        Tokenizer tokenizer = start.tokenizer();

        List<PromptCompletionTokens> encoded;
        FinetuneData data;
        try {
            encoded = PromptCompletionTokens.encodeAll(examples, tokenizer, model.contextLength());
            data = FinetuneData.split(encoded, options.validationFraction(), context.seed());
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("finetune: " + e.getMessage(), e);
        }
        long truncated = encoded.stream().filter(PromptCompletionTokens::truncated).count();
        long targets = encoded.stream().mapToLong(PromptCompletionTokens::targetCount).sum();
        context.say(String.format(Locale.ROOT, "finetune: %s, %d examples (%d train, %d validation), %,d completion "
                        + "tokens%s", dataName(), encoded.size(), data.train().size(), data.validation().size(),
                targets, truncated == 0 ? "" : String.format(Locale.ROOT,
                        "; %d longer than the context of %d were truncated (prompt start first)", truncated,
                        model.contextLength())));

        List<String> frozen = freeze(model);
        List<String> adapted = attachLora(model, context);
        List<Parameter> trainable = model.trainableParameters();
        long trainableValues = trainable.stream().mapToLong(p -> p.value().size()).sum();
        context.say(String.format(Locale.ROOT, "finetune: training %,d of %,d values (%d tensors)%s%s",
                trainableValues, model.parameterCount(), trainable.size(),
                frozen.isEmpty() ? "" : ", " + frozen.size() + " tensors frozen",
                adapted.isEmpty() ? "" : ", LoRA on " + adapted.size() + " layers"));

        ComponentEntry optimizerEntry = catalog.require(ComponentKind.OPTIMIZER, config.optimizer().id());
        var factory = (OptimizerFactory) optimizerEntry.create(config.optimizer().options());
        Optimizer optimizer = factory.create(trainableGroups(Models.groups(model, config, optimizerEntry)));
        var finetuneConfig = new FinetuneConfig(options.steps(), options.batchSize(), options.learningRate(),
                options.evalInterval(), options.evalExamples(), options.labelSmoothing(), options.gradClip(),
                context.seed());
        Finetuner finetuner;
        try {
            finetuner = new Finetuner(model, optimizer, schedule(), finetuneConfig, data);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("finetune: cannot train: " + e.getMessage(), e);
        }
        var tracker = new Tracker(context);
        EvalReport before = finetuner.evaluate();
        context.say(String.format(Locale.ROOT, "step %5d: train completion loss %.4f, val completion loss %.4f (start)",
                0, before.trainLoss(), before.validationLoss()));
        finetuner.progress(context.progress()).metrics(context.metrics()).addListener(tracker);
        long started = System.nanoTime();
        TrainingResult result = finetuner.run();
        double seconds = (System.nanoTime() - started) / 1e9;

        Path output = context.outputDirectory();
        save(start, model, adapted, frozen, result, output);
        if (!adapted.isEmpty() && options.merge()) {
            Lora.merge(model);
        }
        if (!Lora.hasAdapters(model)) {
            Freezing.unfreezeAll(model);
        }
        EvalReport last = result.lastEvaluation();
        context.say(String.format(Locale.ROOT, "finetune: %d steps in %s, val completion loss %.4f -> %.4f; model %s%s",
                result.steps(), ProgressBar.formatDuration(seconds), before.validationLoss(),
                last == null ? Double.NaN : last.validationLoss(), FinetuneCheckpoints.model(output),
                adapted.isEmpty() ? "" : ", adapters " + FinetuneCheckpoints.adapters(output)
                        + (options.merge() ? " (merged into the model)" : " (still attached)")));

        context.put(ModelBundle.class, new ModelBundle(model, tokenizer, start.options(), start.components(),
                start.step() + result.steps()));
        context.put(dev.quire.api.LanguageModel.class, model);
        context.put(Tokenizer.class, tokenizer);
    }

    private String dataName() {
        return options.data() == null ? "builtin " + options.builtin() : String.valueOf(options.data().getFileName());
    }

    private static List<PromptCompletion> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new QuireUserException("finetune: data file " + file + " does not exist (or is not a file)");
        }
        try {
            return PromptCompletionFile.load(file);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new QuireUserException("finetune: " + e.getMessage(), e);
        }
    }

    /** The model of an earlier stage, or the checkpoint the options name. */
    private ModelBundle startingModel(StageContext context) {
        String which = options.checkpoint();
        Path output = context.outputDirectory();
        if (which.isEmpty()) {
            return context.get(ModelBundle.class)
                    .orElseGet(() -> Models.fromCheckpoint(output, "latest", catalog));
        }
        if (which.equals("latest") || which.equals("best")) {
            return Models.fromCheckpoint(output, which, catalog);
        }
        Path file = checkpointFile(which, config);
        var checkpoint = Checkpoints.read(file);
        var restored = ModelCheckpoints.restore(file, checkpoint, catalog);
        context.say("finetune: starting from " + file);
        return new ModelBundle(restored.model(), restored.tokenizer(), restored.modelOptions(), restored.components(),
                checkpoint.header().getStep());
    }

    /** The checkpoint file {@code which} names, relative to the pipeline file's directory; it must exist. */
    private static Path checkpointFile(String which, PipelineConfig config) {
        Path base = config.file().toAbsolutePath().getParent();
        Path file = base == null ? Path.of(which) : base.resolve(which);
        if (!Files.isRegularFile(file)) {
            throw new QuireUserException("finetune: checkpoint " + file + " does not exist; checkpoint: takes "
                    + "'latest', 'best' or a checkpoint file relative to " + base);
        }
        return file;
    }

    private List<String> freeze(Gpt model) {
        if (options.freeze().isEmpty()) {
            return List.of();
        }
        try {
            return Freezing.freeze(model, options.freeze());
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("finetune: " + e.getMessage(), e);
        }
    }

    private List<String> attachLora(Gpt model, StageContext context) {
        FinetuneOptions.LoraOptions lora = options.lora();
        if (!lora.enabled()) {
            return List.of();
        }
        var loraConfig = new LoraConfig(lora.rank(), lora.alpha() == null ? 2.0 * lora.rank() : lora.alpha(),
                lora.targets(),
                lora.seed() == null ? context.seed() : lora.seed());
        try {
            return Lora.attach(model, loraConfig);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("finetune: " + e.getMessage(), e);
        }
    }

    /** The optimizer groups with frozen tensors left out, and groups left empty dropped. */
    static List<ParameterGroup> trainableGroups(List<ParameterGroup> groups) {
        List<ParameterGroup> kept = new ArrayList<>();
        for (ParameterGroup group : groups) {
            List<Parameter> trainable = group.parameters().stream().filter(p -> p.value().requiresGrad()).toList();
            if (!trainable.isEmpty()) {
                kept.add(new ParameterGroup(group.name(), trainable, group.overrides()));
            }
        }
        return kept;
    }

    /** The schedule named by the options, with the pipeline's options when the pipeline chose the same one. */
    private LearningRateSchedule schedule() {
        ComponentEntry entry;
        try {
            entry = catalog.require(ComponentKind.SCHEDULE, options.schedule());
        } catch (RuntimeException e) {
            throw new QuireUserException("finetune: " + e.getMessage(), e);
        }
        ComponentChoice pipeline = config.schedule();
        Record scheduleOptions = pipeline.id().equals(options.schedule()) ? pipeline.options() : entry.defaultOptions();
        LearningRateSchedule schedule = (LearningRateSchedule) entry.create(scheduleOptions);
        try {
            schedule.validate(options.steps());
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("finetune: schedule '" + options.schedule() + "' does not fit "
                    + options.steps() + " steps: " + e.getMessage(), e);
        }
        return schedule;
    }

    private void save(ModelBundle start, Gpt model, List<String> adapted, List<String> frozen,
                      TrainingResult result, Path output) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kind", "finetune");
        metadata.put("pipeline", String.valueOf(config.file().getFileName()));
        metadata.put("finetune.data", dataName());
        metadata.put("finetune.steps", String.valueOf(result.steps()));
        if (!frozen.isEmpty()) {
            metadata.put("finetune.freeze", String.join(",", options.freeze()));
        }
        if (!adapted.isEmpty()) {
            metadata.put("lora.rank", String.valueOf(options.lora().rank()));
            metadata.put("lora.layers", String.join(",", adapted));
            metadata.put("lora.merged", "true");
        }
        EvalReport last = result.lastEvaluation();
        double loss = last == null ? Double.NaN : last.validationLoss();
        Path modelFile = FinetuneCheckpoints.model(output);
        Runnable saveModel = () -> ModelCheckpoints.save(modelFile, new ModelCheckpoints.Snapshot(model,
                start.options(), start.tokenizer(), start.components(), null, null, options.steps(), loss,
                last == null ? -1 : last.step(), metadata));
        if (adapted.isEmpty()) {
            saveModel.run();
            return;
        }
        // The model file holds the merged weights (loadable anywhere); the adapters file the adapters alone.
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> adapters = FinetuneCheckpoints.adapterValues(model, shapes);
        Lora.withMerged(model, saveModel);
        Map<String, String> loraMetadata = new LinkedHashMap<>(metadata);
        loraMetadata.remove("kind");
        loraMetadata.remove("lora.merged");
        FinetuneOptions.LoraOptions lora = options.lora();
        loraMetadata.put("lora.alpha", String.valueOf(lora.alpha() == null ? 2.0 * lora.rank() : lora.alpha()));
        FinetuneCheckpoints.saveAdapters(FinetuneCheckpoints.adapters(output), modelFile, adapters, shapes,
                loraMetadata);
    }

    /** Says evaluations and keeps the metrics of the stage. */
    private static final class Tracker implements FinetuneListener {
        private final StageContext context;
        private double best = Double.NaN;

        Tracker(StageContext context) {
            this.context = context;
        }

        @Override
        public void afterEval(Finetuner finetuner, EvalReport report) {
            boolean better = Double.isNaN(best) || report.validationLoss() < best;
            if (better) {
                best = report.validationLoss();
            }
            context.say(String.format(Locale.ROOT, "step %5d: train completion loss %.4f, val completion loss %.4f%s",
                    report.step(), report.trainLoss(), report.validationLoss(), better ? " (best so far)" : ""));
        }
    }
}
