package dev.quire.model;

/**
 * How {@link Trainer} trains: nanoGPT's {@code train.py} settings that are not the model's shape.
 *
 * @param steps           optimizer steps in the run ({@code max_iters})
 * @param batchSize       sequences per micro-batch ({@code batch_size}); a step reads
 *                        {@code batchSize · gradAccumulation} sequences
 * @param contextLength   tokens per sequence ({@code block_size}); at most the model's context length
 * @param learningRate    the base rate the schedule scales ({@code learning_rate})
 * @param evalInterval    estimate train and validation loss every this many steps ({@code eval_interval}),
 *                        and always after the last step
 * @param evalIterations  batches per split in each estimate ({@code eval_iters})
 * @param labelSmoothing  PyTorch's {@code label_smoothing}, in {@code [0, 1)}; 0 for none
 * @param gradClip        clip the global gradient norm to this ({@code grad_clip}); 0 turns clipping off
 * @param seed            seeds batch sampling and dropout; the same seed and data give the same run
 * @param gradAccumulation micro-batches per optimizer step ({@code gradient_accumulation_steps}), at least 1:
 *                        each micro-batch's loss is scaled by {@code 1/gradAccumulation} and their gradients
 *                        summed, so a step equals one batch of {@code batchSize · gradAccumulation} sequences
 *                        (up to rounding, and without dropout, whose masks are drawn per micro-batch)
 */
public record TrainingConfig(int steps, int batchSize, int contextLength, double learningRate,
                             int evalInterval, int evalIterations, float labelSmoothing, double gradClip, long seed,
                             int gradAccumulation) {

    /** A configuration without gradient accumulation (one micro-batch per step). */
    public TrainingConfig(int steps, int batchSize, int contextLength, double learningRate,
                          int evalInterval, int evalIterations, float labelSmoothing, double gradClip, long seed) {
        this(steps, batchSize, contextLength, learningRate, evalInterval, evalIterations, labelSmoothing, gradClip,
                seed, 1);
    }

    public TrainingConfig {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (contextLength <= 0) {
            throw new IllegalArgumentException("contextLength must be positive, got " + contextLength);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a number >= 0, got " + learningRate);
        }
        if (evalInterval <= 0) {
            throw new IllegalArgumentException("evalInterval must be positive, got " + evalInterval);
        }
        if (evalIterations <= 0) {
            throw new IllegalArgumentException("evalIterations must be positive, got " + evalIterations);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("gradClip must be a number >= 0 (0 = off), got " + gradClip);
        }
        if (gradAccumulation < 1) {
            throw new IllegalArgumentException("gradAccumulation must be at least 1 (micro-batches per step), got "
                    + gradAccumulation);
        }
    }

    /** This configuration with {@code microBatches} micro-batches of {@link #batchSize()} per step. */
    public TrainingConfig withGradAccumulation(int microBatches) {
        return new TrainingConfig(steps, batchSize, contextLength, learningRate, evalInterval, evalIterations,
                labelSmoothing, gradClip, seed, microBatches);
    }

    /**
     * nanoGPT's Shakespeare-character recipe for a CPU ({@code README.md}): 2000 steps of 12 sequences
     * of 64 characters, learning rate 1e-3, evaluation every 250 steps over 20 batches, gradient clipping
     * at 1.0 ({@code train.py}'s default), seed 1337.
     */
    public static TrainingConfig shakespeareCharCpu() {
        return new TrainingConfig(2000, 12, 64, 1e-3, 250, 20, 0f, 1.0, 1337);
    }

    /** Tokens read per step: {@code batchSize · gradAccumulation · contextLength}. */
    public long tokensPerStep() {
        return (long) batchSize * gradAccumulation * contextLength;
    }
}
