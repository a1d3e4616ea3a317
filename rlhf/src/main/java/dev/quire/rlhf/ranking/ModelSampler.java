package dev.quire.rlhf.ranking;

import dev.quire.api.Tokenizer;
import dev.quire.model.Generator;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.model.SamplingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Samples completions from a model: {@code tokens} new tokens after the prompt, with the given temperature,
 * top-k and top-p, through the key/value-cache {@link Generator}. The draws for prompt number {@code i} come
 * from {@code Rng(seed + i · φ)}, so the same prompt index always gets the same K completions, whichever
 * session draws them (a resumed session shows what an uninterrupted one would have).
 *
 * @param model     the policy
 * @param tokenizer its tokenizer
 * @param tokens    new tokens per completion, at least 1
 * @param sampling  temperature, top-k, top-p
 * @param seed      the base seed
 */
public record ModelSampler(Gpt model, Tokenizer tokenizer, int tokens, SamplingConfig sampling, long seed)
        implements CompletionSampler {

    /** 2^64 / φ: spreads consecutive prompt indices over the seed space. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    public ModelSampler {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(sampling, "sampling");
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be at least 1, got " + tokens);
        }
    }

    /**
     * The prompt's tokens.
     *
     * @throws IllegalArgumentException if the tokenizer cannot encode it or it encodes to nothing
     */
    public int[] encode(String prompt) {
        int[] ids = tokenizer.encode(prompt);
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt " + RankingLog.shorten(prompt) + " encodes to no tokens");
        }
        return ids;
    }

    @Override
    public List<String> sample(String prompt, int promptIndex, int k) {
        int[] ids = encode(prompt);
        var random = new Rng(seed + promptIndex * GOLDEN);
        var completions = new ArrayList<String>(k);
        for (int i = 0; i < k; i++) {
            int[] generated = Generator.generate(model, ids, tokens, sampling, random);
            completions.add(tokenizer.decode(generated));
        }
        return completions;
    }
}
