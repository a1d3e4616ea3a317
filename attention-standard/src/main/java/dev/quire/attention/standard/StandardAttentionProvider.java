package dev.quire.attention.standard;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;

/** Provides {@code attention: standard}, the {@link StandardAttention}. */
public final class StandardAttentionProvider implements ComponentProvider<Attention, StandardAttentionOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public StandardAttentionProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.ATTENTION;
    }

    @Override
    public String id() {
        return "standard";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "materialized scaled dot-product attention (causal, padding, grouped-query, key/value cache)";
    }

    @Override
    public Class<StandardAttentionOptions> optionsType() {
        return StandardAttentionOptions.class;
    }

    @Override
    public StandardAttentionOptions defaultOptions() {
        return new StandardAttentionOptions();
    }

    @Override
    public Attention create(StandardAttentionOptions options) {
        return new StandardAttention();
    }
}
