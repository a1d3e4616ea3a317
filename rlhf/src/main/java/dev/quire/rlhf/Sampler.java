package dev.quire.rlhf;

import dev.quire.api.LanguageModel;
import dev.quire.api.TrainingContext;
import dev.quire.model.Generator;
import dev.quire.model.KvCache;
import dev.quire.model.SamplingConfig;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Temperature sampling of several completions of one prompt at once, for PPO and GRPO. With a {@link GptPolicy}
 * the prompt is read once into a key/value cache and each new token costs one position; any other model is run
 * on the whole prefix at each step (the same numbers, slower).
 *
 * @param maxNewTokens longest completion, {@code >= 1}
 * @param temperature  divides the logits before the softmax, {@code > 0}
 * @param stopToken    a token that ends a completion (kept as its last token), or -1 for fixed-length completions
 */
public record Sampler(int maxNewTokens, double temperature, int stopToken) {

    public Sampler {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a number > 0, got " + temperature);
        }
        if (stopToken < -1) {
            throw new IllegalArgumentException("stopToken must be a token id or -1 (none), got " + stopToken);
        }
    }

    /**
     * Draws {@code count} completions of {@code prompt}.
     *
     * @return each completion's tokens (without the prompt), 1 to {@code maxNewTokens} long
     * @throws IllegalArgumentException if prompt plus completion would not fit the model's context
     */
    public List<int[]> sample(LanguageModel model, int[] prompt, int count, RandomGenerator random) {
        if (prompt.length + maxNewTokens > model.contextLength()) {
            throw new IllegalArgumentException("sampling: a prompt of " + prompt.length + " tokens plus " + maxNewTokens
                    + " new tokens exceeds the context length " + model.contextLength());
        }
        if (stopToken >= model.vocabSize()) {
            throw new IllegalArgumentException("sampling: stopToken " + stopToken + " is outside the vocabulary [0, "
                    + model.vocabSize() + ")");
        }
        SamplingConfig sampling = SamplingConfig.of(temperature);
        int vocab = model.vocabSize();
        int[][] drawn = new int[count][maxNewTokens];
        int[] lengths = new int[count];
        boolean[] done = new boolean[count];
        TrainingContext inference = new TrainingContext(false, 0, random);
        try (var noGrad = Grad.disabled()) {
            KvCache cache = model instanceof GptPolicy gpt ? gpt.gpt().newCache(count) : null;
            int[] input = repeat(prompt, count);                       // [count, P]
            int time = prompt.length;
            for (int step = 0; step < maxNewTokens; step++) {
                Tensor logits;                                          // [count, time or 1, V]
                int rows;
                if (cache != null) {
                    logits = ((GptPolicy) model).gpt().logits(input, count, input.length / count, inference, cache, true);
                    rows = 1;
                } else {
                    logits = model.logits(input, count, time, inference);
                    rows = time;
                }
                float[] data = logits.data();
                int[] next = new int[count];
                int live = 0;
                for (int b = 0; b < count; b++) {
                    if (done[b]) {
                        next[b] = SequenceBatch.PAD;
                        continue;
                    }
                    int offset = (b * rows + rows - 1) * vocab;
                    int token = Generator.sample(Arrays.copyOfRange(data, offset, offset + vocab), sampling, random);
                    next[b] = token;
                    drawn[b][lengths[b]++] = token;
                    done[b] = token == stopToken || lengths[b] == maxNewTokens;
                    live += done[b] ? 0 : 1;
                }
                if (live == 0) {
                    break;
                }
                if (cache != null) {
                    input = next;                                       // [count, 1]
                } else {
                    input = append(input, count, time, next);           // [count, time + 1]
                    time++;
                }
            }
        }
        List<int[]> completions = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            completions.add(Arrays.copyOf(drawn[b], lengths[b]));
        }
        return completions;
    }

    private static int[] repeat(int[] prompt, int count) {
        int[] out = new int[prompt.length * count];
        for (int b = 0; b < count; b++) {
            System.arraycopy(prompt, 0, out, b * prompt.length, prompt.length);
        }
        return out;
    }

    private static int[] append(int[] tokens, int count, int time, int[] next) {
        int[] out = new int[count * (time + 1)];
        for (int b = 0; b < count; b++) {
            System.arraycopy(tokens, b * time, out, b * (time + 1), time);
            out[b * (time + 1) + time] = next[b];
        }
        return out;
    }
}
