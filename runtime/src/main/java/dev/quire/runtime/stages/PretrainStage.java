package dev.quire.runtime.stages;

import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.model.DataSplit;
import dev.quire.model.EvalReport;
import dev.quire.model.Gpt;
import dev.quire.model.StepReport;
import dev.quire.model.Trainer;
import dev.quire.model.TrainerListener;
import dev.quire.model.TrainerState;
import dev.quire.model.TrainingConfig;
import dev.quire.model.TrainingResult;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.CheckpointException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.ModelOptions;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.config.PretrainOptions;
import dev.quire.runtime.console.ProgressBar;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.pipeline.RunSettings;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code pretrain} stage: takes the tokenizer a {@code tokenize} stage left on the blackboard, or
 * trains one on the corpus (or takes it from the checkpoint when resuming), encodes and splits the
 * corpus, builds the model, optimizer (with nanoGPT's parameter groups) and schedule from the
 * pipeline, and runs the {@link Trainer} with a progress bar, periodic validation, metrics in {@code metrics.jsonl}, {@code checkpoint-latest.pb} every
 * {@code checkpointInterval} steps and at the end (with the last {@code keepLast} also kept as
 * {@code checkpoint-step-<N>.pb}), and {@code checkpoint-best.pb} at each new best validation loss
 * (format and crash safety: {@code docs/checkpoint-format.md}). Leaves a {@link ModelBundle} and the {@link DataSplit} for later stages, and the model
 * and tokenizer under their API types ({@link dev.quire.api.LanguageModel}, {@link Tokenizer}) for
 * stages from plugins.
 */
public final class PretrainStage implements Stage {

    private final PretrainOptions options;
    private final PipelineConfig config;
    private final RunSettings settings;
    private final ComponentCatalog catalog;

    @Inject
    PretrainStage(PretrainOptions options, PipelineConfig config, RunSettings settings, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.settings = settings;
        this.catalog = catalog;
    }

    @Override
    public void run(StageContext context) {
        Path output = context.outputDirectory();
        Path latest = RunFiles.latest(output);
        Optional<Checkpoint> resume = settings.resume() ? Optional.of(Checkpoints.read(latest)) : Optional.empty();

        String text = Corpus.load(config.data());
        context.say(String.format(Locale.ROOT, "pretrain: corpus %s, %,d characters", config.data().describe(),
                text.length()));

        // A tokenize stage before this one left its tokenizer on the blackboard; otherwise train one here.
        Optional<Tokenizer> given = context.get(Tokenizer.class);
        Tokenizer tokenizer;
        if (resume.isPresent()) {
            tokenizer = ModelCheckpoints.tokenizer(latest, resume.get(), catalog);
            if (given.isPresent() && !java.util.Arrays.equals(given.get().serialize(), tokenizer.serialize())) {
                throw new CheckpointException("cannot resume " + latest + ": the tokenize stage made a different "
                        + "tokenizer than the one in the checkpoint (did the corpus or the tokenizer options change?)");
            }
        } else if (given.isPresent()) {
            tokenizer = given.get();
            context.say("pretrain: using the tokenizer of the tokenize stage ('" + tokenizer.factoryId()
                    + "', vocabulary " + tokenizer.vocabSize() + ")");
        } else {
            tokenizer = LanguageModelTokenizers.train(config, catalog, text, context.progress());
        }
        int[] tokens;
        try {
            tokens = tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("the tokenizer cannot encode corpus " + config.data().describe() + ": "
                    + e.getMessage(), e);
        }
        DataSplit split = DataSplit.of(tokens, 1 - config.data().validationFraction());
        int window = config.model().context();
        if (split.train().length <= window || split.validation().length <= window) {
            throw new QuireUserException(String.format(Locale.ROOT,
                    "corpus %s is too small: %d training and %d validation tokens, but a window of the model's "
                            + "context needs more than %d in each. Use a longer corpus, a larger validationFraction "
                            + "or a shorter model.context.", config.data().describe(), split.train().length,
                    split.validation().length, window));
        }
        double charsPerToken = charsPerToken(tokenizer, split.validation());

        Gpt model = Models.build(config, catalog, tokenizer.vocabSize());
        ComponentEntry optimizerEntry = catalog.require(ComponentKind.OPTIMIZER, config.optimizer().id());
        var factory = (OptimizerFactory) optimizerEntry.create(config.optimizer().options());
        Optimizer optimizer = factory.create(Models.groups(model, config, optimizerEntry));
        double baseRate = optimizer.learningRate();
        var schedule = (LearningRateSchedule) Models.create(catalog, config.schedule());
        var training = new TrainingConfig(options.steps(), options.batchSize(), config.model().context(), baseRate,
                options.evalInterval(), options.evalIterations(), options.labelSmoothing(), options.gradClip(),
                config.seed(), options.gradAccumulation());
        Trainer trainer;
        try {
            trainer = new Trainer(model, optimizer, schedule, training, split);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("cannot train: " + e.getMessage(), e);
        }

        var tracker = new Tracker(context, model, tokenizer, optimizer, charsPerToken);
        if (resume.isPresent()) {
            resumeFrom(latest, resume.get(), model, optimizer, trainer, tokenizer, tracker);
            keepNewerBest(context, output, tracker, model, trainer);
            context.say("pretrain: resuming " + latest + " at step " + trainer.step() + " of " + options.steps());
            int dropped = RunFiles.dropPretrainRecordsAfter(RunFiles.metrics(output), trainer.step());
            if (dropped > 0) {
                context.say("pretrain: dropped " + dropped + " records of steps after " + trainer.step() + " from "
                        + RunFiles.metrics(output).getFileName() + " (the interrupted run got past its last checkpoint)");
            }
        }
        context.say(String.format(Locale.ROOT,
                "pretrain: %,d parameters (%d layers, %d heads, width %d, context %d), vocabulary %d, "
                        + "%,d training / %,d validation tokens, optimizer %s, schedule %s",
                model.parameterCount(), config.model().layers(), config.model().heads(), config.model().width(),
                config.model().context(), tokenizer.vocabSize(), split.train().length, split.validation().length,
                config.optimizer().id(), config.schedule().id()));

        long started = System.nanoTime();
        long startStep = trainer.step();
        trainer.progress(context.progress()).metrics(context.metrics()).addListener(tracker);
        TrainingResult result = trainer.run();
        tracker.saveLatest(trainer);
        double seconds = (System.nanoTime() - started) / 1e9;
        EvalReport last = result.lastEvaluation();
        context.say(String.format(Locale.ROOT, "pretrain: %d steps in %s%s; checkpoint %s",
                result.steps() - startStep, ProgressBar.formatDuration(seconds),
                last == null ? "" : String.format(Locale.ROOT, ", validation loss %.4f (%.3f bits/char)",
                        last.validationLoss(), tracker.bitsPerChar(last.validationLoss())),
                latest));
        if (result.stoppedEarly()) {
            context.say("pretrain: stopped early at step " + result.steps() + " (a regularizer asked to stop)");
        }
        writeLossChart(context, output);
        context.put(ModelBundle.class, new ModelBundle(model, tokenizer, config.model(), config.components(),
                result.steps()));
        context.put(DataSplit.class, split);
        // Under API types too, for stages from plugins (which cannot see the runtime's ModelBundle).
        context.put(dev.quire.api.LanguageModel.class, model);
        context.put(Tokenizer.class, tokenizer);
    }

    /**
     * Checks, before a run writes anything, that {@code file} can be resumed by this pipeline: it reads
     * and validates the whole checkpoint, and compares its model, attention, positional encoding and
     * optimizer with the pipeline's, its trainer state with the pipeline's steps.
     *
     * @return the checkpoint's trainer state
     * @throws CheckpointException naming the file and what does not fit
     */
    public static TrainerState checkResumable(Path file, Checkpoint checkpoint, PipelineConfig config,
                                              PretrainOptions options) {
        ModelOptions saved = ModelCheckpoints.modelOptions(file, checkpoint);
        if (!saved.equals(config.model())) {
            throw new CheckpointException("cannot resume " + file + ": it holds a model " + saved
                    + " but the pipeline now asks for " + config.model());
        }
        for (ComponentChoice part : List.of(config.attention(), config.positional(), config.optimizer())) {
            checkSameComponent(file, checkpoint, part);
        }
        TrainerState state = ModelCheckpoints.trainerState(file, checkpoint).orElseThrow(() -> new CheckpointException(
                "checkpoint " + file + " has no trainer state to resume from (was it imported?)"));
        if (state.step() > options.steps()) {
            throw new CheckpointException("cannot resume " + file + ": it is at step " + state.step()
                    + ", past the pipeline's " + options.steps() + " steps");
        }
        return state;
    }

    private void resumeFrom(Path file, Checkpoint checkpoint, Gpt model, Optimizer optimizer, Trainer trainer,
                            Tokenizer tokenizer, Tracker tracker) {
        TrainerState state = checkResumable(file, checkpoint, config, options);
        try {
            ModelCheckpoints.loadWeights(file, checkpoint, model);
            ModelCheckpoints.loadOptimizer(file, checkpoint, optimizer);
            trainer.restore(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("cannot resume " + file + ": " + e.getMessage(), e);
        }
        var header = checkpoint.header();
        tracker.best(header.getBestValidationLoss(), header.getBestValidationStep());
        if (tokenizer.vocabSize() != model.vocabSize()) {
            throw new CheckpointException("cannot resume " + file + ": its tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model " + model.vocabSize());
        }
    }

    /**
     * A run stopped between an evaluation and the next checkpoint has already written
     * {@code checkpoint-best.pb} for an evaluation its latest checkpoint does not know of. The resumed run
     * measures new evaluations against the better of the two, so that file is never replaced by a worse
     * model. When a regularizer will put the best weights back on stopping, the trainer is given that
     * file's weights, so a stop after the resume restores the best of the whole run. A best file that
     * cannot be read is said and left to be replaced.
     */
    private static void keepNewerBest(StageContext context, Path output, Tracker tracker, Gpt model, Trainer trainer) {
        Path bestFile = RunFiles.best(output);
        if (!java.nio.file.Files.isRegularFile(bestFile)) {
            return;
        }
        try {
            var best = Checkpoints.readHeader(bestFile);
            double loss = best.getBestValidationLoss();
            if (Double.isNaN(loss) || !Double.isNaN(tracker.bestLoss) && loss > tracker.bestLoss) {
                return; // not the best the run knew of
            }
            tracker.best(loss, best.getBestValidationStep());
            if (model.regularizers().stream().anyMatch(dev.quire.api.Regularizer::restoreBestOnStop)) {
                Checkpoint checkpoint = Checkpoints.read(bestFile);
                var values = new java.util.ArrayList<float[]>();
                for (var parameter : model.parameters()) {
                    var stored = checkpoint.tensors().get(ModelCheckpoints.MODEL_PREFIX + parameter.name());
                    if (stored == null || !java.util.Arrays.equals(stored.shape(), parameter.value().shape())) {
                        context.say("pretrain: " + bestFile + " does not hold this model's " + parameter.name()
                                + "; a stop puts back the best weights since the resume");
                        return;
                    }
                    values.add(stored.data());
                }
                trainer.rememberBest(loss, values);
            }
        } catch (CheckpointException e) {
            context.say("pretrain: cannot read " + bestFile + " (" + e.getMessage() + "); the next best evaluation "
                    + "replaces it");
        }
    }

    private static void checkSameComponent(Path file, Checkpoint checkpoint, ComponentChoice part) {
        for (var ref : checkpoint.header().getComponentsList()) {
            if (ref.getRole().equals(part.role()) && !ref.getId().equals(part.id())) {
                throw new CheckpointException("cannot resume " + file + ": it was trained with " + part.kind().configName()
                        + " '" + ref.getId() + "' but the pipeline now uses '" + part.id() + "'");
            }
        }
    }

    /**
     * Draws {@code loss.png} from {@code metrics.jsonl}. A chart that cannot be drawn (no fonts in a
     * stripped-down JDK, a full disk) is said and skipped: the run itself has succeeded.
     */
    private void writeLossChart(StageContext context, Path output) {
        Path metrics = RunFiles.metrics(output);
        Path png = output.resolve(RunFiles.LOSS_CHART);
        if (!java.nio.file.Files.isRegularFile(metrics)) {
            return;
        }
        try {
            String title = String.format(Locale.ROOT, "%s: %d layer%s, width %d, %s, schedule %s",
                    config.file().getFileName(), config.model().layers(), config.model().layers() == 1 ? "" : "s",
                    config.model().width(),
                    config.optimizer().id(), config.schedule().id());
            if (LossChart.write(metrics, png, title)) {
                context.say("pretrain: loss chart " + png);
            }
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            context.say("pretrain: cannot draw the loss chart " + png + ": " + e);
        }
    }

    /** Characters per token of the validation text (1 for a character tokenizer). */
    private static double charsPerToken(Tokenizer tokenizer, int[] tokens) {
        if (tokens.length == 0) {
            return 1;
        }
        String decoded = tokenizer.decode(tokens);
        return (double) decoded.codePointCount(0, decoded.length()) / tokens.length;
    }

    /** Says evaluations, keeps the best, writes checkpoints. */
    private final class Tracker implements TrainerListener {
        private final StageContext context;
        private final Gpt model;
        private final Tokenizer tokenizer;
        private final Optimizer optimizer;
        private final double charsPerToken;
        private double bestLoss = Double.NaN;
        private long bestStep = -1;

        Tracker(StageContext context, Gpt model, Tokenizer tokenizer, Optimizer optimizer, double charsPerToken) {
            this.context = context;
            this.model = model;
            this.tokenizer = tokenizer;
            this.optimizer = optimizer;
            this.charsPerToken = charsPerToken;
        }

        void best(double loss, long step) {
            bestLoss = loss;
            bestStep = step;
        }

        double bitsPerChar(double loss) {
            return loss / Math.log(2) / charsPerToken;
        }

        @Override
        public void afterStep(Trainer trainer, StepReport report) {
            // At a step that is also evaluated, the checkpoint waits for the evaluation (afterEval), so it
            // holds the best loss and the regularizers' state after it: a resumed run does not repeat it.
            if (checkpointDue(report.step()) && report.step() % options.evalInterval() != 0) {
                saveLatest(trainer);
            }
        }

        private boolean checkpointDue(long step) {
            int interval = options.checkpointInterval();
            return interval > 0 && step % interval == 0 && step < options.steps();
        }

        /**
         * Saves the newest checkpoint. With {@code keepLast} K > 1 it goes to {@code checkpoint-step-<N>.pb}
         * first, then is published as {@code checkpoint-latest.pb}, then all but the K newest step files are
         * deleted; each of these is atomic, so a crash at any point leaves every file that exists complete.
         */
        void saveLatest(Trainer trainer) {
            Path output = context.outputDirectory();
            if (options.keepLast() <= 1) {
                save(RunFiles.latest(output), trainer, "latest");
                return;
            }
            Path stepFile = RunFiles.step(output, trainer.step());
            save(stepFile, trainer, "latest");
            Checkpoints.publish(stepFile, RunFiles.latest(output));
            List<Path> steps = RunFiles.steps(output);
            for (int i = 0; i < steps.size() - options.keepLast(); i++) {
                try {
                    java.nio.file.Files.deleteIfExists(steps.get(i));
                } catch (java.io.IOException e) {
                    context.say("pretrain: cannot delete old checkpoint " + steps.get(i) + ": " + e.getMessage());
                }
            }
        }

        @Override
        public void afterEval(Trainer trainer, EvalReport report) {
            boolean better = Double.isNaN(bestLoss) || report.validationLoss() < bestLoss;
            context.say(String.format(Locale.ROOT, "step %5d: train loss %.4f, val loss %.4f, %.3f bits/char%s",
                    report.step(), report.trainLoss(), report.validationLoss(), bitsPerChar(report.validationLoss()),
                    better && bestStep >= 0 ? " (best so far)" : ""));
            if (better) {
                bestLoss = report.validationLoss();
                bestStep = report.step();
                if (options.keepBest()) {
                    save(RunFiles.best(context.outputDirectory()), trainer, "best");
                }
            }
            if (checkpointDue(report.step())) {
                saveLatest(trainer);
            }
        }

        void save(Path file, Trainer trainer, String kind) {
            ModelCheckpoints.save(file, new ModelCheckpoints.Snapshot(model, config.model(), tokenizer,
                    config.components(), optimizer, trainer.state(), options.steps(), bestLoss, bestStep,
                    Map.of("kind", kind, "pipeline", String.valueOf(config.file().getFileName()))));
        }
    }
}
