package dev.quire.runtime.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Options of the {@code finetune} stage: supervised fine-tuning on prompt/completion JSON lines, with
 * the loss on the completion tokens only, optional freezing by parameter-name patterns and optional
 * LoRA adapters (see {@code docs/finetuning.md}).
 *
 * @param checkpoint         the model to start from: empty for the model an earlier stage of this run left
 *                           (else the output directory's {@code checkpoint-latest.pb}); {@code latest} or
 *                           {@code best} for the output directory's checkpoints; anything else is a
 *                           checkpoint file, relative to the pipeline file's directory
 * @param data               the JSON-lines file of {@code {"prompt", "completion"}} objects (this or {@code builtin})
 * @param builtin            {@code demo}: built-in examples in the demo corpus's words instead of a file
 *                           ({@code dev.quire.runtime.stages.FinetuneDemoData}); empty for none
 * @param validationFraction share of the examples held out for the validation completion loss, in (0, 1)
 * @param steps              optimizer steps
 * @param batchSize          examples per step
 * @param learningRate       the base learning rate (the schedule scales it; the optimizer's other options
 *                           are the pipeline's {@code optimizer})
 * @param schedule           id of the learning-rate schedule: the pipeline's {@code schedule} options if it
 *                           has this id, else the schedule's defaults
 * @param evalInterval       measure the completion loss of both splits every this many steps (and at the end)
 * @param evalExamples       examples of each split in a measurement (the first ones, always the same)
 * @param gradClip           clip the global gradient norm to this; 0 = off
 * @param labelSmoothing     in [0, 1); 0 for none
 * @param freeze             glob patterns of parameter names to freeze ({@code transformer.h.0.*}); each
 *                           must match at least one parameter
 * @param lora               LoRA adapters; off unless {@code rank} is set
 * @param merge              with LoRA: fold the adapters into the weights at the end, so that later stages
 *                           and the saved model are a plain model again
 */
public record FinetuneOptions(String checkpoint, Path data, String builtin, double validationFraction, int steps, int batchSize,
                              double learningRate, String schedule, int evalInterval, int evalExamples,
                              double gradClip, float labelSmoothing, List<String> freeze, LoraOptions lora,
                              boolean merge) {

    /** 200 steps of 8 examples at 1e-4, constant rate, no freezing, no LoRA, a tenth held out. */
    public static final FinetuneOptions DEFAULTS = new FinetuneOptions("", null, "", 0.1, 200, 8, 1e-4, "constant", 50,
            200, 1.0, 0f, List.of(), LoraOptions.NONE, true);

    public FinetuneOptions {
        if (checkpoint == null) {
            checkpoint = "";
        }
        if (builtin == null) {
            builtin = "";
        }
        if (!builtin.isEmpty() && !builtin.equals("demo")) {
            throw new IllegalArgumentException("builtin must be 'demo' (or left out for a data file), got '"
                    + builtin + "'");
        }
        if (!builtin.isEmpty() && data != null) {
            throw new IllegalArgumentException("give either data (a file) or builtin, not both");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), got " + validationFraction);
        }
        OptionChecks.atLeastOne("steps", steps);
        OptionChecks.atLeastOne("batchSize", batchSize);
        OptionChecks.positive("learningRate", learningRate);
        OptionChecks.scheduleNamed(schedule);
        OptionChecks.atLeastOne("evalInterval", evalInterval);
        OptionChecks.atLeastOne("evalExamples", evalExamples);
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("gradClip must be a number >= 0 (0 = off), got " + gradClip);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        freeze = freeze == null ? List.of() : List.copyOf(freeze);
        for (String pattern : freeze) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("freeze patterns must not be empty, got " + freeze);
            }
        }
        if (lora == null) {
            lora = LoraOptions.NONE;
        }
    }

    /**
     * LoRA settings. Every value may be left out; giving any of them turns LoRA on and then {@code rank}
     * is required. (No value is a null list: a checkpoint records these options as JSON and binds them
     * again when it is read, and a list must be a list there.)
     *
     * @param rank    inner dimension of the adapters, at least 1
     * @param alpha   the update is scaled by alpha/rank; default: twice the rank
     * @param targets glob patterns matched against the end of linear-layer names; default
     *                {@code [attn.c_attn, attn.c_proj]} (also allowed: {@code mlp.c_fc}, {@code mlp.c_proj})
     * @param seed    seeds the Gaussian initialization of the A matrices; default: the pipeline's seed
     */
    public record LoraOptions(Integer rank, Double alpha, List<String> targets, Long seed) {

        /** The default targets: the attention projections. */
        public static final List<String> DEFAULT_TARGETS = List.of("attn.c_attn", "attn.c_proj");

        /** LoRA off. */
        public static final LoraOptions NONE = new LoraOptions(null, null, DEFAULT_TARGETS, null);

        public LoraOptions {
            targets = targets == null ? DEFAULT_TARGETS : targets;
            if (rank == null && (alpha != null || !targets.equals(DEFAULT_TARGETS) || seed != null)) {
                throw new IllegalArgumentException("lora needs a rank (for example lora: {rank: 8, alpha: 16})");
            }
            if (rank != null) {
                OptionChecks.atLeastOne("lora rank", rank);
            }
            if (alpha != null) {
                OptionChecks.positive("lora alpha", alpha);
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("lora targets must name at least one linear layer, "
                        + "for example " + DEFAULT_TARGETS);
            }
            targets = List.copyOf(targets);
        }

        /** Whether LoRA is on. */
        public boolean enabled() {
            return rank != null;
        }
    }
}
