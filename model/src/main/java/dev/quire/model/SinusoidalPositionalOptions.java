package dev.quire.model;

/**
 * Options of {@code positional: sinusoidal}.
 *
 * @param base the wavelength base, greater than 1 (the paper: 10000)
 */
public record SinusoidalPositionalOptions(double base) {
    public SinusoidalPositionalOptions {
        if (!(base > 1) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("base must be a number > 1, got " + base);
        }
    }
}
