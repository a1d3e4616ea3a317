package dev.quire.rlhf;

/**
 * The options of {@code ppo}. Defaults follow TRL's {@code PPOConfig} where it has the option.
 *
 * @param beta              weight of the per-token KL penalty {@code −β(log π_old − log π_ref)} added to the reward, {@code >= 0}
 * @param gamma             discount γ in {@code [0, 1]}
 * @param lambda            GAE λ in {@code [0, 1]}
 * @param clipEpsilon       ratio clip ε, {@code > 0}
 * @param valueCoef         weight of the value loss, {@code >= 0}
 * @param epochs            passes over each batch's rollout, {@code >= 1}
 * @param minibatches       minibatches per pass, {@code >= 1}
 * @param samplesPerPrompt  completions sampled per prompt, {@code >= 1}
 * @param maxNewTokens      longest completion, {@code >= 1}
 * @param temperature       sampling temperature, {@code > 0}; log-probabilities are taken at the same temperature
 * @param stopToken         token that ends a completion, or -1 for completions of exactly {@code maxNewTokens}
 * @param whitenAdvantages  whether to shift and scale the batch's advantages to mean 0, variance 1
 */
public record PpoOptions(double beta, double gamma, double lambda, double clipEpsilon, double valueCoef, int epochs,
                         int minibatches, int samplesPerPrompt, int maxNewTokens, double temperature, int stopToken,
                         boolean whitenAdvantages) {

    /** β 0.05, γ 1, λ 0.95, ε 0.2, value weight 0.1, 4 epochs, 1 minibatch, 1 sample, 16 tokens, T 1, no stop, whitened. */
    public static final PpoOptions DEFAULTS = new PpoOptions(0.05, 1.0, 0.95, 0.2, 0.1, 4, 1, 1, 16, 1.0, -1, true);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public PpoOptions {
        Checks.atLeast("ppo", "beta", beta, 0);
        Checks.unit("ppo", "gamma", gamma);
        Checks.unit("ppo", "lambda", lambda);
        Checks.positive("ppo", "clipEpsilon", clipEpsilon);
        Checks.atLeast("ppo", "valueCoef", valueCoef, 0);
        Checks.atLeast("ppo", "epochs", epochs, 1);
        Checks.atLeast("ppo", "minibatches", minibatches, 1);
        Checks.atLeast("ppo", "samplesPerPrompt", samplesPerPrompt, 1);
        new Sampler(maxNewTokens, temperature, stopToken); // checks the sampling options
    }

    Sampler sampler() {
        return new Sampler(maxNewTokens, temperature, stopToken);
    }
}
