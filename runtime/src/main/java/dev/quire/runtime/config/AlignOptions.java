package dev.quire.runtime.config;

import dev.quire.api.ComponentKind;
import java.nio.file.Path;

/**
 * Options of the {@code align} stage: the policy optimized with an alignment method (a component of kind
 * {@code alignment}: {@code dpo}, {@code ppo}, {@code grpo}, or one from a plugin) against a frozen reference
 * (see {@code docs/pipeline.md}).
 *
 * @param method       the method and its options, {@code method: {id: dpo, beta: 0.1}} in the file: a component of
 *                     kind {@code alignment} bound like any component block (keys other than {@code id} are the
 *                     options of that method's own options record, validated by it). The pipeline parser always
 *                     sets it (DPO with its defaults when the file has no {@code method}); null only in
 *                     {@link #DEFAULTS} (the parser's cue to choose DPO) and in a checkpoint's record of a stage
 *                     whose method is not available where it is read (see {@link OptionsBinder})
 * @param checkpoint   the policy to start from: empty for the model an earlier stage of this run left (else the
 *                     output directory's {@code checkpoint-latest.pb}); {@code latest} or {@code best} for the
 *                     output directory's checkpoints; anything else is a checkpoint file, relative to the
 *                     pipeline file's directory
 * @param reference    the frozen reference: empty for a copy of the starting policy, else a checkpoint file
 *                     (relative to the pipeline file's directory) whose parameters must match the policy's by
 *                     name and shape
 * @param reward       the reward model of online methods (PPO, GRPO): empty for the one a {@code reward} stage
 *                     of this run trained (else the output directory's {@code reward-model.pb}); else a
 *                     reward-model file written by a {@code reward} stage, relative to the pipeline file's
 *                     directory. Unused by DPO
 * @param preferences  rankings and/or pairs (JSON lines): each ranking gives its C(K, 2) pairs to DPO; online
 *                     methods take their prompts from here when {@code prompts} is not set
 * @param prompts      prompts for online methods: one per line, or {@code .jsonl} {@code {"prompt"}} objects
 * @param steps        updates (one batch each; PPO's epochs and minibatches happen inside an update)
 * @param batchSize    preference pairs (DPO) or prompts (PPO, GRPO) per update
 * @param learningRate the base learning rate (the schedule scales it; the optimizer's other options are the
 *                     pipeline's {@code optimizer})
 * @param schedule     id of the learning-rate schedule: the pipeline's {@code schedule} options if it has this
 *                     id, else the schedule's defaults
 * @param logInterval  say the update's metrics every this many steps (every step goes to {@code metrics.jsonl})
 */
public record AlignOptions(ComponentChoice method, String checkpoint, String reference, String reward,
                           Path preferences, Path prompts, int steps, int batchSize, double learningRate,
                           String schedule, int logInterval) {

    /** The method when the file gives none: DPO, with its defaults. */
    public static final String DEFAULT_METHOD = "dpo";

    /**
     * No method yet (the pipeline parser chooses {@value #DEFAULT_METHOD} with its defaults), 100 updates of 8 at
     * 1e-5 (constant), said every 10.
     */
    public static final AlignOptions DEFAULTS = new AlignOptions(null, "", "", "", null, null, 100, 8, 1e-5,
            "constant", 10);

    public AlignOptions {
        if (method != null && method.kind() != ComponentKind.ALIGNMENT) {
            throw new IllegalArgumentException("method must be an alignment method (dpo, ppo, grpo, ...), got "
                    + method.kind().configName() + " '" + method.id() + "'");
        }
        checkpoint = checkpoint == null ? "" : checkpoint;
        reference = reference == null ? "" : reference;
        reward = reward == null ? "" : reward;
        OptionChecks.atLeastOne("steps", steps);
        OptionChecks.atLeastOne("batchSize", batchSize);
        OptionChecks.positive("learningRate", learningRate);
        OptionChecks.scheduleNamed(schedule);
        OptionChecks.atLeastOne("logInterval", logInterval);
    }
}
