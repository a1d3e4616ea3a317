package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.PositionalEncoding;

/** Provides {@code positional: learned}, the {@link LearnedPositionalEncoding}. */
public final class LearnedPositionalProvider implements ComponentProvider<PositionalEncoding, LearnedPositionalOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public LearnedPositionalProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.POSITIONAL_ENCODING;
    }

    @Override
    public String id() {
        return "learned";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "a trained vector per position added to the token embedding (GPT-2's wpe)";
    }

    @Override
    public Class<LearnedPositionalOptions> optionsType() {
        return LearnedPositionalOptions.class;
    }

    @Override
    public LearnedPositionalOptions defaultOptions() {
        return new LearnedPositionalOptions(0.02);
    }

    @Override
    public PositionalEncoding create(LearnedPositionalOptions options) {
        return new LearnedPositionalEncoding(options.initStd());
    }
}
