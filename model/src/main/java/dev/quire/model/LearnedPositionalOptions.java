package dev.quire.model;

/**
 * Options of {@code positional: learned}.
 *
 * @param initStd standard deviation of the initial position vectors (nanoGPT: 0.02)
 */
public record LearnedPositionalOptions(double initStd) {
    public LearnedPositionalOptions {
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be a positive number, got " + initStd);
        }
    }
}
