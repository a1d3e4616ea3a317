package dev.quire.model;

import java.util.List;
import java.util.Objects;

/**
 * Which linear layers get LoRA adapters and how they start.
 *
 * @param rank    the inner dimension {@code r} of {@code B·A}, at least 1
 * @param alpha   the update is scaled by {@code alpha/rank}; positive (PEFT's {@code lora_alpha})
 * @param targets glob patterns ({@link Freezing#matches}) matched against the <em>end</em> of each linear
 *                layer's name: {@code attn.c_attn} adapts {@code transformer.h.<i>.attn.c_attn} of every
 *                block, {@code transformer.h.0.*} every layer of block 0; each must match at least one layer
 * @param seed    seeds the Gaussian initialization of every {@code A}
 */
public record LoraConfig(int rank, double alpha, List<String> targets, long seed) {

    /** The attention projections, the targets of the LoRA paper and PEFT's GPT-2 default. */
    public static final List<String> DEFAULT_TARGETS = List.of("attn.c_attn", "attn.c_proj");

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be a number > 0, got " + alpha);
        }
        Objects.requireNonNull(targets, "targets");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA targets must name at least one linear layer, e.g. "
                    + DEFAULT_TARGETS);
        }
        for (String target : targets) {
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("LoRA targets must not be empty, got " + targets);
            }
        }
        targets = List.copyOf(targets);
    }

    /** Rank {@code rank}, alpha {@code alpha}, the attention projections, seed 0. */
    public static LoraConfig of(int rank, double alpha) {
        return new LoraConfig(rank, alpha, DEFAULT_TARGETS, 0);
    }

    /** The factor {@code alpha/rank} of the update. */
    public float scale() {
        return (float) (alpha / rank);
    }
}
