package dev.quire.runtime.stages;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentReward;
import dev.quire.api.AlignmentRun;
import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.PreferencePair;
import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.model.Gpt;
import dev.quire.model.Lora;
import dev.quire.model.Rng;
import dev.quire.rlhf.GptPolicy;
import dev.quire.rlhf.RewardModel;
import dev.quire.rlhf.data.PreferenceFormatException;
import dev.quire.rlhf.data.Ranking;
import dev.quire.rlhf.ranking.Prompts;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.AlignOptions;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.console.ProgressBar;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import jakarta.inject.Inject;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code align} stage: optimizes the policy (the model of an earlier stage, or a checkpoint) with an
 * alignment method chosen as a component ({@code method: {id: dpo|ppo|grpo, ...}}) against a frozen reference
 * (a copy of the starting policy, or a checkpoint of the same shapes). DPO learns from the pairs of a
 * preferences file; PPO and GRPO sample completions of prompts and score them with a reward model (from a
 * {@code reward} stage of this run, or a reward-model file). Every update's metrics go to {@code metrics.jsonl};
 * the aligned policy is written to {@code align-model.pb} and left for later stages ({@code sample}).
 */
public final class AlignStage implements Stage {

    /** {@code align-model.pb}: the aligned policy, a plain model checkpoint. */
    public static final String MODEL_FILE = "align-model.pb";

    private final AlignOptions options;
    private final PipelineConfig config;
    private final ComponentCatalog catalog;

    @Inject
    AlignStage(AlignOptions options, PipelineConfig config, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.catalog = catalog;
    }

    /** The data of the stage, read and validated. */
    private record Input(List<Ranking> rankings, List<String> prompts) {
    }

    /**
     * Checks the stage's input before a run starts (so that a bad line costs no pretraining): reads and
     * validates the preferences and prompts files, and checks that the checkpoint, reference and reward files
     * the options name exist.
     *
     * @throws QuireUserException naming the file and line, or the missing file
     */
    public static void checkInput(AlignOptions options, PipelineConfig config) {
        input(options, config);
    }

    private static Input input(AlignOptions options, PipelineConfig config) {
        if (options.preferences() == null && options.prompts() == null) {
            throw new QuireUserException("stage align of " + config.file() + " has no data: set preferences: (rankings "
                    + "or pairs, for DPO) or prompts: (for PPO and GRPO) (docs/alignment-data.md)");
        }
        List<Ranking> rankings = options.preferences() == null ? List.of()
                : RewardStage.readPreferences("align", options.preferences());
        List<String> prompts = options.prompts() == null ? rankings.stream().map(Ranking::prompt).toList()
                : readPrompts(options.prompts());
        for (String file : List.of(options.checkpoint(), options.reference(), options.reward())) {
            if (RewardStage.isFile(file)) {
                RewardStage.checkpointFile(file, config, "align");
            }
        }
        return new Input(rankings, prompts);
    }

    @Override
    public void run(StageContext context) {
        // Data and method first: a bad line or option should cost no model loading.
        Input input = input(options, config);
        List<Ranking> rankings = input.rankings();
        List<String> promptTexts = input.prompts();
        // The method was bound and validated with the pipeline, like any component (null only for options made
        // by hand: DPO with its defaults).
        String methodId = options.method() == null ? AlignOptions.DEFAULT_METHOD : options.method().id();
        ComponentEntry methodEntry = catalog.find(ComponentKind.ALIGNMENT, methodId)
                .orElseThrow(() -> new QuireUserException("align: unknown method '" + methodId + "'. "
                        + catalog.choices(ComponentKind.ALIGNMENT)));
        Record methodOptions = options.method() == null ? methodEntry.defaultOptions() : options.method().options();
        var method = (AlignmentMethod) methodEntry.create(methodOptions);

        ModelBundle start = RewardStage.startingModel(context, options.checkpoint(), config, catalog, "align");
        Gpt policy = start.model();
        if (Lora.hasAdapters(policy)) {
            // The reference must have the policy's parameters by name; a merged copy has no lora_A/lora_B.
            throw new QuireUserException("align: the policy still has LoRA adapters attached (a finetune stage with "
                    + "merge: false, on " + String.join(", ", Lora.adaptedLayers(policy)) + "); set merge: true in the "
                    + "finetune stage, or start align from the saved model (checkpoint: finetune-model.pb)");
        }
        Tokenizer tokenizer = start.tokenizer();
        Gpt reference = reference(start);
        for (Parameter p : reference.parameters()) {
            p.value().requiresGrad(false); // frozen: never in an optimizer group, no gradients kept
        }
        AlignmentReward reward = reward(context, policy);

        int context1 = policy.contextLength();
        List<PreferencePair> pairs = pairs(rankings, tokenizer, context1);
        int newTokens = intOption(methodOptions, "maxNewTokens", 0);
        if (newTokens >= context1) {
            throw new QuireUserException("align: method '" + methodId + "' samples up to " + newTokens
                    + " new tokens, but the model's context is " + context1 + "; set method.maxNewTokens below it");
        }
        List<int[]> prompts = prompts(promptTexts, tokenizer, context1 - Math.max(newTokens, 1));
        context.say(String.format(Locale.ROOT, "align: method %s %s, %,d preference pairs, %,d prompts, policy of %,d "
                        + "parameters, reference %s%s", methodId, optionsText(methodOptions), pairs.size(),
                prompts.size(), policy.parameterCount(),
                options.reference().isEmpty() ? "= the starting policy (frozen copy)" : options.reference(),
                reward == null ? "" : ", reward model " + (options.reward().isEmpty() ? "of the reward stage" : options.reward())));

        var optimizerEntry = catalog.require(ComponentKind.OPTIMIZER, config.optimizer().id());
        var factory = (OptimizerFactory) optimizerEntry.create(config.optimizer().options());
        List<ParameterGroup> groups = trainable(Models.groups(policy, config, optimizerEntry));
        AlignmentRun run;
        try {
            run = method.start(new AlignmentContext(new GptPolicy(policy), reference, groups, factory, reward,
                    new Rng(context.seed())));
        } catch (IllegalArgumentException e) {
            boolean rewardMissing = reward == null && String.valueOf(e.getMessage()).contains("reward");
            throw new QuireUserException("align: method '" + methodId + "' cannot start: " + e.getMessage()
                    + (rewardMissing ? " (no reward model: add a reward stage before align, or set reward: to a "
                    + RewardStage.MODEL_FILE + ")" : ""), e);
        }
        LearningRateSchedule schedule = RewardStage.schedule("align", options.schedule(), options.steps(), config, catalog);

        var random = new Rng(context.seed() + 2);
        var pairOrder = new Cycle<>(pairs, random);
        var promptOrder = new Cycle<>(prompts, random);
        long started = System.nanoTime();
        Map<String, Double> last = Map.of();
        for (int step = 1; step <= options.steps(); step++) {
            double rate = schedule.learningRate(step - 1, options.steps(), options.learningRate());
            run.optimizer().setLearningRate(rate);
            var batch = new AlignmentBatch(pairOrder.next(options.batchSize()), promptOrder.next(options.batchSize()));
            try {
                last = run.update(batch);
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("align: method '" + methodId + "' rejects its data: "
                        + e.getMessage() + " (DPO needs preferences:, PPO and GRPO prompts: or preferences:)", e);
            }
            var record = new LinkedHashMap<String, Object>();
            record.put("step", step);
            record.putAll(last);
            record.put("lr", rate);
            context.metrics().record(record);
            context.progress().update(step, options.steps(), summary(last, 2));
            if (step % options.logInterval() == 0 || step == options.steps()) {
                context.say(String.format(Locale.ROOT, "step %5d: %s", step, summary(last, Integer.MAX_VALUE)));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path file = context.outputDirectory().resolve(MODEL_FILE);
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("kind", "align");
        metadata.put("pipeline", String.valueOf(config.file().getFileName()));
        metadata.put("align.method", methodId);
        metadata.put("align.options", optionsText(methodOptions));
        metadata.put("align.steps", String.valueOf(options.steps()));
        ModelCheckpoints.save(file, new ModelCheckpoints.Snapshot(policy, start.options(), tokenizer, start.components(),
                null, null, options.steps(), Double.NaN, -1, metadata));
        context.say(String.format(Locale.ROOT, "align: %d updates in %s; model %s", options.steps(),
                ProgressBar.formatDuration(seconds), file));
        context.put(ModelBundle.class, new ModelBundle(policy, tokenizer, start.options(), start.components(),
                start.step() + options.steps()));
        context.put(dev.quire.api.LanguageModel.class, policy);
        context.put(Tokenizer.class, tokenizer);
    }

    private static List<String> readPrompts(Path file) {
        try {
            return Prompts.read(file);
        } catch (PreferenceFormatException e) {
            throw new QuireUserException("align: " + e.getMessage(), e);
        }
    }

    /** The frozen reference: a copy of the starting policy, or the checkpoint the options name. */
    private Gpt reference(ModelBundle start) {
        if (options.reference().isEmpty()) {
            return RewardStage.copy(start, catalog, config.seed());
        }
        Path file = RewardStage.checkpointFile(options.reference(), config, "align");
        Gpt reference = RewardStage.restoreModel(file, Checkpoints.read(file), catalog).model();
        try {
            AlignmentContext.checkSameShapes(start.model(), reference);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("align: the reference checkpoint " + file + " does not match the policy: "
                    + e.getMessage(), e);
        }
        return reference;
    }

    /** The reward model: from the options' file, else the reward stage's, else the output directory's; or none. */
    private AlignmentReward reward(StageContext context, Gpt policy) {
        RewardModel model;
        if (!options.reward().isEmpty()) {
            Path file = RewardStage.checkpointFile(options.reward(), config, "align");
            model = RewardStage.load(file, catalog);
        } else {
            Path file = context.outputDirectory().resolve(RewardStage.MODEL_FILE);
            model = context.get(RewardModel.class)
                    .orElseGet(() -> Files.isRegularFile(file) ? RewardStage.load(file, catalog) : null);
        }
        if (model != null && model.trunk().vocabSize() != policy.vocabSize()) {
            throw new QuireUserException("align: the reward model reads a vocabulary of " + model.trunk().vocabSize()
                    + " tokens but the policy writes " + policy.vocabSize() + ": they need the same tokenizer");
        }
        return model;
    }

    /** Every pair of every ranking, as token ids fitted into the context (completion ends, then prompt starts, cut). */
    private List<PreferencePair> pairs(List<Ranking> rankings, Tokenizer tokenizer, int context) {
        var out = new ArrayList<PreferencePair>();
        var encoded = RewardStage.encode("align", options.preferences(), rankings, tokenizer, context);
        for (int r = 0; r < encoded.size(); r++) {
            var ranking = encoded.get(r); // completions best first
            int k = ranking.completions().size();
            for (int i = 0; i < k; i++) {
                for (int j = i + 1; j < k; j++) {
                    int[] chosen = ranking.completions().get(i);
                    int[] rejected = ranking.completions().get(j);
                    int room = context - Math.max(chosen.length, rejected.length);
                    out.add(new PreferencePair(RewardStage.keepEnd(ranking.prompt(), room), chosen, rejected));
                }
            }
        }
        return out;
    }

    /** Prompts as token ids, each cut to its last {@code room} tokens. */
    private List<int[]> prompts(List<String> texts, Tokenizer tokenizer, int room) {
        var out = new ArrayList<int[]>(texts.size());
        Path file = options.prompts() != null ? options.prompts() : options.preferences();
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = RewardStage.encode("align", file, i + 1, "prompt", texts.get(i), tokenizer);
            out.add(RewardStage.keepEnd(ids, room));
        }
        return out;
    }

    private static List<ParameterGroup> trainable(List<ParameterGroup> groups) {
        var kept = new ArrayList<ParameterGroup>();
        for (ParameterGroup group : groups) {
            List<Parameter> trainable = group.parameters().stream().filter(p -> p.value().requiresGrad()).toList();
            if (!trainable.isEmpty()) {
                kept.add(new ParameterGroup(group.name(), trainable, group.overrides()));
            }
        }
        return kept;
    }

    /** An integer option of the method's options record, or {@code fallback} if it has none by that name. */
    private static int intOption(Record options, String name, int fallback) {
        for (RecordComponent component : options.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    return ((Number) component.getAccessor().invoke(options)).intValue();
                } catch (ReflectiveOperationException | ClassCastException e) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static String optionsText(Record options) {
        return dev.quire.runtime.config.Json.write(options);
    }

    private static String summary(Map<String, Double> metrics, int limit) {
        var text = new StringBuilder();
        int shown = 0;
        for (var entry : metrics.entrySet()) {
            if (shown++ >= limit) {
                break;
            }
            text.append(text.isEmpty() ? "" : ", ").append(entry.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%.4f", entry.getValue()));
        }
        return text.toString();
    }

    /** Endless batches from a list: shuffled, taken in order, reshuffled when used up; empty for an empty list. */
    private static final class Cycle<T> {
        private final List<T> items;
        private final Rng random;
        private int cursor;

        Cycle(List<T> items, Rng random) {
            this.items = new ArrayList<>(items);
            this.random = random;
            this.cursor = this.items.size();
        }

        List<T> next(int count) {
            if (items.isEmpty()) {
                return List.of();
            }
            var batch = new ArrayList<T>(count);
            while (batch.size() < Math.min(count, items.size())) {
                if (cursor == items.size()) {
                    Collections.shuffle(items, random);
                    cursor = 0;
                }
                batch.add(items.get(cursor++));
            }
            return batch;
        }
    }
}
