package dev.quire.model;

import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * Autoregressive sampling, nanoGPT's {@code generate()} with a key/value cache: the prompt is read once,
 * then each new token costs one position's work, attending to the cached keys and values of all earlier
 * positions.
 *
 * <p>Once the sequence fills the context, the model can only see the last {@code contextLength} tokens.
 * With absolute positions those tokens sit at new positions, so the cache cannot be shifted; each further
 * token is then predicted by re-encoding the last {@code contextLength} tokens from scratch, exactly as
 * nanoGPT's crop does. The result is the same as without a cache, only slower beyond the context.
 */
public final class Generator {

    private Generator() {
    }

    /**
     * Samples {@code maxNewTokens} tokens after {@code prompt}.
     *
     * @param prompt       at least one token; only its last {@code contextLength} tokens are read
     * @param maxNewTokens how many tokens to produce, {@code >= 0}
     * @param random       source of the sampling draws (unused when greedy)
     * @return the new tokens only (not the prompt)
     */
    public static int[] generate(Gpt model, int[] prompt, int maxNewTokens, SamplingConfig sampling,
                                 RandomGenerator random) {
        return generate(model, prompt, maxNewTokens, sampling, random, token -> { });
    }

    /** Like {@link #generate(Gpt, int[], int, SamplingConfig, RandomGenerator)}, telling {@code onToken} each token as it is drawn. */
    public static int[] generate(Gpt model, int[] prompt, int maxNewTokens, SamplingConfig sampling,
                                 RandomGenerator random, IntConsumer onToken) {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(random, "random");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generate: the prompt needs at least one token");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        int context = model.contextLength();
        int[] sequence = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int length = prompt.length;
        int[] generated = new int[maxNewTokens];
        if (maxNewTokens == 0) {
            return generated;
        }
        TrainingContext inference = new TrainingContext(false, 0, random);
        try (var noGrad = Grad.disabled()) {
            KvCache cache = model.newCache(1);
            // Prefill: read the prompt (cropped to the context) in one pass.
            int[] window = Arrays.copyOfRange(sequence, Math.max(0, length - context), length);
            Tensor logits = model.logits(window, 1, window.length, inference, cache, true); // [1, 1, V]
            for (int n = 0; n < maxNewTokens; n++) {
                int next = sample(logits.data(), sampling, random);
                generated[n] = next;
                sequence[length++] = next;
                onToken.accept(next);
                if (n == maxNewTokens - 1) {
                    break;
                }
                if (cache.length() < cache.capacity()) {
                    // Decode: one new position against the cached ones.
                    logits = model.logits(new int[] {next}, 1, 1, inference, cache, true);
                } else {
                    // Context full: re-encode the last `context` tokens (nanoGPT's crop).
                    cache.clear();
                    window = Arrays.copyOfRange(sequence, length - context, length);
                    logits = model.logits(window, 1, context, inference, cache, true);
                }
            }
        }
        return generated;
    }

    /**
     * Picks a token from one row of logits.
     *
     * @param logits {@code [V]} unnormalized log-probabilities (not modified)
     */
    public static int sample(float[] logits, SamplingConfig sampling, RandomGenerator random) {
        int vocab = logits.length;
        if (sampling.temperature() == 0) {
            return argMax(logits);
        }
        // Scaled logits -> probabilities, in double so that tiny tails and the cumulative sum stay exact.
        double[] scaled = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            scaled[i] = logits[i] / sampling.temperature();
        }
        if (sampling.topK() > 0 && sampling.topK() < vocab) {
            // Keep values >= the k-th largest (nanoGPT's torch.topk threshold, ties included).
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double threshold = sorted[vocab - sampling.topK()];
            for (int i = 0; i < vocab; i++) {
                if (scaled[i] < threshold) {
                    scaled[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scaled) {
            max = Math.max(max, s);
        }
        double[] probabilities = new double[vocab];
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            probabilities[i] = Math.exp(scaled[i] - max);
            total += probabilities[i];
        }
        for (int i = 0; i < vocab; i++) {
            probabilities[i] /= total;
        }
        if (sampling.topP() < 1) {
            keepNucleus(probabilities, sampling.topP());
        }
        return draw(probabilities, random);
    }

    /**
     * Zeroes every token outside the nucleus: the smallest set of most likely tokens whose probability
     * reaches {@code topP} (the token that crosses it included, so at least one token survives).
     */
    private static void keepNucleus(double[] probabilities, double topP) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Most likely first; equal probabilities by id, so the cut is deterministic.
        Arrays.sort(order, (a, b) -> probabilities[a] != probabilities[b]
                ? Double.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
        double cumulative = 0;
        int kept = 0;
        while (kept < order.length && (kept == 0 || cumulative < topP)) {
            cumulative += probabilities[order[kept]];
            kept++;
        }
        for (int i = kept; i < order.length; i++) {
            probabilities[order[i]] = 0;
        }
    }

    /** Draws an index with the given (unnormalized) weights. */
    private static int draw(double[] weights, RandomGenerator random) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last; // rounding left u a hair above zero: the last possible token
    }

    private static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
