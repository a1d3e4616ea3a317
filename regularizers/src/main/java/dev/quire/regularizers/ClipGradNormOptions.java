package dev.quire.regularizers;

/**
 * Options of {@code clip-grad-norm}.
 *
 * @param maxNorm the largest global L2 norm of all gradients together, {@code > 0}
 */
public record ClipGradNormOptions(double maxNorm) {

    /** 1.0, nanoGPT's {@code grad_clip}. */
    public static final ClipGradNormOptions DEFAULTS = new ClipGradNormOptions(1.0);

    public ClipGradNormOptions {
        RegularizerProvider.checkPositive("maxNorm", maxNorm);
    }
}
