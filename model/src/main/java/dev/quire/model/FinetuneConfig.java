package dev.quire.model;

/**
 * How {@link Finetuner} trains.
 *
 * @param steps          optimizer steps
 * @param batchSize      examples per step
 * @param learningRate   the base rate the schedule scales
 * @param evalInterval   estimate the completion loss every this many steps, and always after the last
 * @param evalExamples   examples of each split in an estimate (the first ones, the same every time);
 *                       a split with fewer is read whole
 * @param labelSmoothing PyTorch's {@code label_smoothing} in {@code [0, 1)}, training only; 0 for none
 * @param gradClip       clip the global gradient norm to this; 0 turns clipping off
 * @param seed           seeds the order of examples and dropout
 */
public record FinetuneConfig(int steps, int batchSize, double learningRate, int evalInterval, int evalExamples,
                             float labelSmoothing, double gradClip, long seed) {

    public FinetuneConfig {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a number >= 0, got " + learningRate);
        }
        if (evalInterval < 1) {
            throw new IllegalArgumentException("evalInterval must be at least 1, got " + evalInterval);
        }
        if (evalExamples < 1) {
            throw new IllegalArgumentException("evalExamples must be at least 1, got " + evalExamples);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("gradClip must be a number >= 0 (0 = off), got " + gradClip);
        }
    }
}
