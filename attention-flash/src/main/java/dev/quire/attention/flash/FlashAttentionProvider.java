package dev.quire.attention.flash;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;

/** Provides {@code attention: flash}, the {@link FlashAttention}. */
public final class FlashAttentionProvider implements ComponentProvider<Attention, FlashAttentionOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public FlashAttentionProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.ATTENTION;
    }

    @Override
    public String id() {
        return "flash";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "tiled FlashAttention-2 on the CPU: online softmax, O(T·D) memory, same numbers as standard";
    }

    @Override
    public Class<FlashAttentionOptions> optionsType() {
        return FlashAttentionOptions.class;
    }

    @Override
    public FlashAttentionOptions defaultOptions() {
        return FlashAttentionOptions.DEFAULTS;
    }

    @Override
    public Attention create(FlashAttentionOptions options) {
        return new FlashAttention(options);
    }
}
