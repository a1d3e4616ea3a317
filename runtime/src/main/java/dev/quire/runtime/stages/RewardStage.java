package dev.quire.runtime.stages;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.model.Gpt;
import dev.quire.model.Lora;
import dev.quire.model.Rng;
import dev.quire.rlhf.RankingMetrics;
import dev.quire.rlhf.RewardModel;
import dev.quire.rlhf.TokenRanking;
import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.rlhf.data.PreferenceFormatException;
import dev.quire.rlhf.data.Ranking;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.CheckpointException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.checkpoint.StoredTensor;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.config.RewardOptions;
import dev.quire.runtime.console.ProgressBar;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.tensor.Tensor;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code reward} stage: trains a reward model, the transformer of the starting model with a scalar head
 * read at the last token ({@link RewardModel}), on the rankings (or pairs) of a JSON-lines file with the
 * pairwise Bradley–Terry loss over all C(K, 2) pairs of each ranking, the K completions of a ranking in one
 * batch element (InstructGPT). Reports loss, accuracy and margin on held-out rankings before, during and
 * after training; writes {@code reward-model.pb}; leaves the {@link RewardModel} for an {@code align} stage.
 *
 * <p>The trunk is a copy of the starting model: training the reward model never changes the policy.
 */
public final class RewardStage implements Stage {

    /** {@code reward-model.pb}: the reward model (trunk as {@code model/*}, head as {@code reward/*}). */
    public static final String MODEL_FILE = "reward-model.pb";
    /** Prefix of the head's tensors in {@link #MODEL_FILE}. */
    public static final String HEAD_PREFIX = "reward/";
    /** The {@code kind} metadata of a reward-model checkpoint. */
    public static final String KIND = "reward-model";

    private final RewardOptions options;
    private final PipelineConfig config;
    private final ComponentCatalog catalog;

    @Inject
    RewardStage(RewardOptions options, PipelineConfig config, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.catalog = catalog;
    }

    /**
     * Checks the stage's input before a run starts (so that a bad line costs no pretraining): reads and
     * validates the whole data file, and checks that a checkpoint file the options name exists.
     *
     * @return the rankings of the data file (pairs as rankings of 2)
     * @throws QuireUserException naming the file and line, or the missing file
     */
    public static List<Ranking> checkInput(RewardOptions options, PipelineConfig config) {
        if (options.data() == null) {
            throw new QuireUserException("stage reward of " + config.file() + " has no data: set data: to a JSON-lines "
                    + "file of rankings {\"prompt\", \"completions\", \"ranking\"} or pairs {\"prompt\", \"chosen\", "
                    + "\"rejected\"} (docs/alignment-data.md)");
        }
        List<Ranking> rankings = readPreferences("reward", options.data());
        if (isFile(options.checkpoint())) {
            checkpointFile(options.checkpoint(), config, "reward");
        }
        return rankings;
    }

    /** Whether a stage's {@code checkpoint}-like option names a file (not empty, {@code latest} or {@code best}). */
    static boolean isFile(String which) {
        return !which.isEmpty() && !which.equals("latest") && !which.equals("best");
    }

    @Override
    public void run(StageContext context) {
        // Read and check the data before anything else: a bad line should cost no training.
        List<Ranking> rankings = checkInput(options, config);
        ModelBundle start = startingModel(context, options.checkpoint(), config, catalog, "reward");
        Gpt trunk = copy(start, catalog, config.seed());
        List<TokenRanking> all = encode("reward", options.data(), rankings, start.tokenizer(), trunk.contextLength());

        // Held-out rankings: a fixed shuffle of the file by the run's seed, the first ones held out.
        List<TokenRanking> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Rng(context.seed()));
        int held = options.validationFraction() == 0 ? 0
                : Math.max(1, (int) Math.round(shuffled.size() * options.validationFraction()));
        if (held >= shuffled.size()) {
            throw new QuireUserException("reward: " + options.data() + " has " + shuffled.size() + " ranking"
                    + (shuffled.size() == 1 ? "" : "s") + ", too few to hold out " + held + " and train on the rest; "
                    + "give more, or validationFraction: 0");
        }
        List<TokenRanking> validation = shuffled.subList(0, held);
        List<TokenRanking> train = shuffled.subList(held, shuffled.size());
        int pairs = train.stream().mapToInt(TokenRanking::pairs).sum();
        context.say(String.format(Locale.ROOT, "reward: %s, %d rankings (%d train with %,d pairs, %d held out), "
                + "trunk of %,d parameters", options.data(), all.size(), train.size(), pairs, held, trunk.parameterCount()));

        var model = new RewardModel(trunk, context.seed());
        var optimizerEntry = catalog.require(ComponentKind.OPTIMIZER, config.optimizer().id());
        Optimizer optimizer = ((OptimizerFactory) optimizerEntry.create(config.optimizer().options()))
                .create(model.optimizerGroups());
        LearningRateSchedule schedule = schedule("reward", options.schedule(), options.steps(), config, catalog);

        RankingMetrics before = validation.isEmpty() ? null : model.evaluate(validation);
        if (before != null) {
            context.say(String.format(Locale.ROOT, "step %5d: held-out loss %.4f, accuracy %.3f, margin %.3f (start)",
                    0, before.loss(), before.accuracy(), before.margin()));
        }
        var random = new Rng(context.seed() + 1);
        var order = new ArrayList<>(train);
        int cursor = order.size();
        RankingMetrics last = before;
        long started = System.nanoTime();
        for (int step = 1; step <= options.steps(); step++) {
            var batch = new ArrayList<TokenRanking>(options.batchSize());
            while (batch.size() < Math.min(options.batchSize(), order.size())) {
                if (cursor == order.size()) {
                    Collections.shuffle(order, random); // a new epoch
                    cursor = 0;
                }
                batch.add(order.get(cursor++));
            }
            double rate = schedule.learningRate(step - 1, options.steps(), options.learningRate());
            optimizer.setLearningRate(rate);
            RankingMetrics metrics = model.trainStep(batch, optimizer, random);
            var record = new LinkedHashMap<String, Object>();
            record.put("step", step);
            record.put("loss", metrics.loss());
            record.put("accuracy", metrics.accuracy());
            record.put("margin", metrics.margin());
            record.put("lr", rate);
            context.metrics().record(record);
            context.progress().update(step, options.steps(), String.format(Locale.ROOT, "loss %.4f, accuracy %.2f",
                    metrics.loss(), metrics.accuracy()));
            if (!validation.isEmpty() && (step % options.evalInterval() == 0 || step == options.steps())) {
                last = model.evaluate(validation);
                var eval = new LinkedHashMap<String, Object>();
                eval.put("step", step);
                eval.put("val_loss", last.loss());
                eval.put("val_accuracy", last.accuracy());
                eval.put("val_margin", last.margin());
                eval.put("val_pairs", last.pairs());
                context.metrics().record(eval);
                context.say(String.format(Locale.ROOT, "step %5d: held-out loss %.4f, accuracy %.3f, margin %.3f",
                        step, last.loss(), last.accuracy(), last.margin()));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path file = context.outputDirectory().resolve(MODEL_FILE);
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("pipeline", String.valueOf(config.file().getFileName()));
        metadata.put("reward.data", String.valueOf(options.data().getFileName()));
        metadata.put("reward.steps", String.valueOf(options.steps()));
        if (last != null && !validation.isEmpty()) {
            metadata.put("reward.val_accuracy", String.valueOf(last.accuracy()));
            metadata.put("reward.val_margin", String.valueOf(last.margin()));
        }
        save(file, model, start, options.steps(), metadata);
        context.say(String.format(Locale.ROOT, "reward: %d steps in %s%s; reward model %s", options.steps(),
                ProgressBar.formatDuration(seconds), last == null || validation.isEmpty() ? ""
                        : String.format(Locale.ROOT, ", held-out accuracy %.3f -> %.3f, margin %.3f -> %.3f",
                        before.accuracy(), last.accuracy(), before.margin(), last.margin()), file));
        context.put(RewardModel.class, model);
    }

    // ---------------------------------------------------------------------------------------------
    // Shared with AlignStage: data, starting models, copies, schedules, the reward-model file.

    /** The rankings and pairs of {@code file} (pairs as rankings of 2); bad input names the file and line. */
    static List<Ranking> readPreferences(String stage, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new QuireUserException(stage + ": data file " + file + " does not exist (or is not a file)");
        }
        List<Ranking> rankings;
        try {
            rankings = PreferenceFiles.readPreferences(file);
        } catch (PreferenceFormatException e) {
            throw new QuireUserException(stage + ": " + e.getMessage(), e);
        }
        if (rankings.isEmpty()) {
            throw new QuireUserException(stage + ": " + file + " holds no rankings or pairs");
        }
        return rankings;
    }

    /**
     * Token ids of a text for a prompt or completion.
     *
     * @throws QuireUserException naming the file and line when the tokenizer cannot encode it, or it encodes to
     *                            nothing
     */
    static int[] encode(String stage, Path file, int line, String what, String text, Tokenizer tokenizer) {
        int[] ids;
        try {
            ids = tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException(stage + ": " + file + " line " + line + ": the model's tokenizer cannot encode "
                    + "the " + what + ": " + e.getMessage(), e);
        }
        if (ids.length == 0) {
            throw new QuireUserException(stage + ": " + file + " line " + line + ": the " + what + " encodes to no tokens");
        }
        return ids;
    }

    /**
     * The rankings as token rankings (completions best first), each fitted into the model's context: a
     * completion longer than {@code context - 1} tokens loses its end, then the prompt loses its start until the
     * longest completion fits (at least one prompt token is kept).
     */
    static List<TokenRanking> encode(String stage, Path file, List<Ranking> rankings, Tokenizer tokenizer, int context) {
        var out = new ArrayList<TokenRanking>(rankings.size());
        for (int r = 0; r < rankings.size(); r++) {
            Ranking ranking = rankings.get(r);
            int line = r + 1; // one ranking or pair per line, no blank lines
            int[] prompt = encode(stage, file, line, "prompt", ranking.prompt(), tokenizer);
            var completions = new ArrayList<int[]>(ranking.k());
            for (int index : ranking.ranking()) {
                int[] ids = encode(stage, file, line, "completion " + index, ranking.completions().get(index), tokenizer);
                completions.add(ids.length > context - 1 ? Arrays.copyOf(ids, context - 1) : ids);
            }
            int longest = completions.stream().mapToInt(c -> c.length).max().orElseThrow();
            out.add(new TokenRanking(keepEnd(prompt, context - longest), completions));
        }
        return out;
    }

    /** The last {@code max(1, keep)} tokens of {@code ids}. */
    static int[] keepEnd(int[] ids, int keep) {
        int n = Math.max(1, Math.min(ids.length, keep));
        return Arrays.copyOfRange(ids, ids.length - n, ids.length);
    }

    /**
     * The model a stage starts from: empty {@code which} for the model an earlier stage left (else the output
     * directory's {@code checkpoint-latest.pb}); {@code latest} or {@code best} for the output directory's
     * checkpoints; anything else is a checkpoint file relative to the pipeline file's directory.
     */
    static ModelBundle startingModel(StageContext context, String which, PipelineConfig config,
                                     ComponentCatalog catalog, String stage) {
        Path output = context.outputDirectory();
        if (which.isEmpty()) {
            return context.get(ModelBundle.class).orElseGet(() -> Models.fromCheckpoint(output, "latest", catalog));
        }
        if (which.equals("latest") || which.equals("best")) {
            return Models.fromCheckpoint(output, which, catalog);
        }
        Path file = checkpointFile(which, config, stage);
        Checkpoint checkpoint = Checkpoints.read(file);
        var restored = restoreModel(file, checkpoint, catalog);
        context.say(stage + ": starting from " + file);
        return new ModelBundle(restored.model(), restored.tokenizer(), restored.modelOptions(), restored.components(),
                checkpoint.header().getStep());
    }

    /**
     * The model of a checkpoint, like {@link ModelCheckpoints#restore}, but without re-reading the options of the
     * stages the checkpoint records: they are provenance, not needed to rebuild the model, and a stage's options
     * may have changed since the file was written.
     */
    public static ModelCheckpoints.Restored restoreModel(Path file, Checkpoint checkpoint, ComponentCatalog catalog) {
        var header = checkpoint.header().toBuilder().clearComponents();
        for (var ref : checkpoint.header().getComponentsList()) {
            if (!ref.getKind().equals(ComponentKind.STAGE.configName())) {
                header.addComponents(ref);
            }
        }
        return ModelCheckpoints.restore(file, new Checkpoint(header.build(), checkpoint.tensors()), catalog);
    }

    /** A checkpoint file named by a stage option, relative to the pipeline file's directory; it must exist. */
    static Path checkpointFile(String which, PipelineConfig config, String stage) {
        Path base = config.file().toAbsolutePath().getParent();
        Path file = base == null ? Path.of(which) : base.resolve(which);
        if (!Files.isRegularFile(file)) {
            throw new QuireUserException(stage + ": checkpoint " + file + " does not exist; give 'latest', 'best' or a "
                    + "checkpoint file relative to " + base);
        }
        return file;
    }

    /**
     * A separate model with the weights of {@code bundle}'s (same shape, attention and positional encoding, no
     * regularizers): the trunk of a reward model, or the frozen reference of alignment.
     */
    static Gpt copy(ModelBundle bundle, ComponentCatalog catalog, long seed) {
        Gpt source = bundle.model();
        Gpt copy = new Gpt(source.config(), (Attention) part(bundle, catalog, ComponentKind.ATTENTION, "model.attention"),
                (PositionalEncoding) part(bundle, catalog, ComponentKind.POSITIONAL_ENCODING, "model.positional"),
                List.of(), seed);
        copy.loadStateDict(weights(source));
        return copy;
    }

    private static Object part(ModelBundle bundle, ComponentCatalog catalog, ComponentKind kind, String role) {
        for (ComponentChoice choice : bundle.components()) {
            if (choice.role().equals(role) && choice.kind() == kind) {
                return catalog.require(kind, choice.id()).create(choice.options());
            }
        }
        throw new IllegalStateException("the model records no " + role + " component among " + bundle.components());
    }

    /**
     * Copies of every weight of {@code model}, by name; for a model with LoRA adapters still attached (a
     * {@code finetune} stage with {@code merge: false}), the merged weights base + adapters, which is the
     * function the model computes.
     */
    static Map<String, float[]> weights(Gpt model) {
        var out = new LinkedHashMap<String, float[]>();
        Runnable copy = () -> model.stateDict().forEach((name, tensor) -> out.put(name, tensor.data().clone()));
        if (Lora.hasAdapters(model)) {
            Lora.withMerged(model, copy);
        } else {
            copy.run();
        }
        return out;
    }

    /** The schedule named by a stage, with the pipeline's options when the pipeline chose the same one. */
    static LearningRateSchedule schedule(String stage, String id, int steps, PipelineConfig config,
                                         ComponentCatalog catalog) {
        var entry = catalog.find(ComponentKind.SCHEDULE, id).orElseThrow(() -> new QuireUserException(stage
                + ": unknown schedule '" + id + "'. " + catalog.choices(ComponentKind.SCHEDULE)));
        ComponentChoice pipeline = config.schedule();
        Record scheduleOptions = pipeline.id().equals(id) ? pipeline.options() : entry.defaultOptions();
        var schedule = (LearningRateSchedule) entry.create(scheduleOptions);
        try {
            schedule.validate(steps);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException(stage + ": schedule '" + id + "' does not fit " + steps + " steps: "
                    + e.getMessage(), e);
        }
        return schedule;
    }

    /** Writes a reward model: its trunk as a model checkpoint ({@code model/*}), its head as {@code reward/*}. */
    public static void save(Path file, RewardModel model, ModelBundle start, long steps, Map<String, String> metadata) {
        var notes = new LinkedHashMap<String, String>(metadata);
        notes.put("kind", KIND);
        ModelCheckpoints.save(file, new ModelCheckpoints.Snapshot(model.trunk(), start.options(), start.tokenizer(),
                start.components(), null, null, steps, Double.NaN, -1, notes));
        Checkpoint trunk = Checkpoints.read(file);
        var tensors = new ArrayList<StoredTensor>(trunk.tensors().values());
        Map<String, Tensor> state = model.stateDict();
        for (String name : List.of(RewardModel.HEAD_WEIGHT, RewardModel.HEAD_BIAS)) {
            Tensor value = state.get(name);
            tensors.add(new StoredTensor(HEAD_PREFIX + name, value.shape(), value.data().clone()));
        }
        Checkpoints.write(file, trunk.header(), tensors);
    }

    /**
     * Reads a reward model written by {@link #save}.
     *
     * @throws QuireUserException if the file is not a reward model, or is damaged
     */
    public static RewardModel load(Path file, ComponentCatalog catalog) {
        Checkpoint checkpoint = Checkpoints.read(file);
        String kind = checkpoint.header().getMetadataMap().getOrDefault("kind", "");
        if (!KIND.equals(kind)) {
            throw new QuireUserException("checkpoint " + file + " is not a reward model (its kind is '" + kind
                    + "'; a reward stage writes " + MODEL_FILE + ")");
        }
        var trunkTensors = new LinkedHashMap<String, StoredTensor>();
        checkpoint.tensors().forEach((name, tensor) -> {
            if (!name.startsWith(HEAD_PREFIX)) {
                trunkTensors.put(name, tensor);
            }
        });
        var restored = restoreModel(file, new Checkpoint(checkpoint.header(), trunkTensors), catalog);
        var model = new RewardModel(restored.model(), 0);
        var weights = new LinkedHashMap<String, float[]>(checkpoint.arrays(ModelCheckpoints.MODEL_PREFIX));
        weights.putAll(checkpoint.arrays(HEAD_PREFIX));
        try {
            model.loadStateDict(weights);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("reward model " + file + ": " + e.getMessage(), e);
        }
        return model;
    }
}
