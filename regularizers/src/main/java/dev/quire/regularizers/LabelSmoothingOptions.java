package dev.quire.regularizers;

/**
 * Options of {@code label-smoothing}.
 *
 * @param smoothing PyTorch's {@code label_smoothing}, in {@code [0, 1)}: the target distribution puts
 *                  {@code 1 − smoothing} on the true class and spreads {@code smoothing} evenly over all classes
 */
public record LabelSmoothingOptions(double smoothing) {

    /** 0.1, the common choice. */
    public static final LabelSmoothingOptions DEFAULTS = new LabelSmoothingOptions(0.1);

    public LabelSmoothingOptions {
        RegularizerProvider.checkUnitInterval("smoothing", smoothing);
    }
}
