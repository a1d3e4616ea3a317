package dev.quire.regularizers;

/**
 * Options of {@code clip-grad-value}.
 *
 * @param maxValue every gradient element is clamped to {@code [−maxValue, maxValue]}; {@code > 0}
 */
public record ClipGradValueOptions(double maxValue) {

    /** 1.0. */
    public static final ClipGradValueOptions DEFAULTS = new ClipGradValueOptions(1.0);

    public ClipGradValueOptions {
        RegularizerProvider.checkPositive("maxValue", maxValue);
    }
}
