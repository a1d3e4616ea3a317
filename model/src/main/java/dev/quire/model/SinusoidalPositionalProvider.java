package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.PositionalEncoding;

/** Provides {@code positional: sinusoidal}, the {@link SinusoidalPositionalEncoding}. */
public final class SinusoidalPositionalProvider
        implements ComponentProvider<PositionalEncoding, SinusoidalPositionalOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public SinusoidalPositionalProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.POSITIONAL_ENCODING;
    }

    @Override
    public String id() {
        return "sinusoidal";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "fixed sines and cosines of the position (Vaswani et al.), no parameters";
    }

    @Override
    public Class<SinusoidalPositionalOptions> optionsType() {
        return SinusoidalPositionalOptions.class;
    }

    @Override
    public SinusoidalPositionalOptions defaultOptions() {
        return new SinusoidalPositionalOptions(10000);
    }

    @Override
    public PositionalEncoding create(SinusoidalPositionalOptions options) {
        return new SinusoidalPositionalEncoding(options.base());
    }
}
