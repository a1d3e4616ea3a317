package dev.quire.runtime.config;

/**
 * Options of the {@code pretrain} stage (nanoGPT's {@code train.py} settings besides the model and
 * optimizer).
 *
 * @param steps              optimizer steps ({@code max_iters})
 * @param batchSize          sequences per micro-batch, each of the model's context length
 * @param evalInterval       estimate train and validation loss every this many steps (and at the end)
 * @param evalIterations     batches per split in each estimate
 * @param checkpointInterval write {@code checkpoint-latest.pb} every this many steps (and at the end); 0 = only at the end
 * @param labelSmoothing     in [0, 1); 0 for none
 * @param gradClip           clip the global gradient norm to this; 0 = off
 * @param keepBest           also keep {@code checkpoint-best.pb}, the weights of the best validation loss
 * @param keepLast           how many of the most recent checkpoints to keep: 1 keeps only
 *                           {@code checkpoint-latest.pb}; K > 1 also keeps {@code checkpoint-step-<N>.pb} of the
 *                           last K saves ({@code checkpoint-latest.pb} is then the newest of them)
 * @param gradAccumulation   micro-batches of {@code batchSize} per optimizer step, at least 1: gradients are
 *                           summed over them with each loss scaled by 1/gradAccumulation, so a step equals one
 *                           batch of {@code batchSize · gradAccumulation} sequences in a micro-batch's memory
 */
public record PretrainOptions(int steps, int batchSize, int evalInterval, int evalIterations, int checkpointInterval,
                              float labelSmoothing, double gradClip, boolean keepBest, int keepLast,
                              int gradAccumulation) {

    /** nanoGPT's Shakespeare-character recipe for a CPU, checkpointing every 500 steps. */
    public static final PretrainOptions DEFAULTS = new PretrainOptions(2000, 12, 250, 20, 500, 0f, 1.0, true, 1, 1);

    public PretrainOptions {
        OptionChecks.atLeastOne("steps", steps);
        OptionChecks.atLeastOne("batchSize", batchSize);
        OptionChecks.atLeastOne("evalInterval", evalInterval);
        OptionChecks.atLeastOne("evalIterations", evalIterations);
        if (checkpointInterval < 0) {
            throw new IllegalArgumentException("checkpointInterval must be >= 0 (0 = only at the end), got "
                    + checkpointInterval);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (keepLast < 1 || keepLast > 1000) {
            throw new IllegalArgumentException("keepLast must be from 1 to 1000 (1 = only checkpoint-latest.pb), got "
                    + keepLast);
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("gradClip must be a number >= 0 (0 = off), got " + gradClip);
        }
        if (gradAccumulation < 1 || gradAccumulation > 65536) {
            throw new IllegalArgumentException("gradAccumulation must be from 1 to 65536 (micro-batches per step), got "
                    + gradAccumulation);
        }
    }
}
