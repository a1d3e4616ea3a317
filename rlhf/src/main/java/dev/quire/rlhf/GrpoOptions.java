package dev.quire.rlhf;

/**
 * The options of {@code grpo}.
 *
 * @param groupSize    completions sampled per prompt, G, {@code >= 2}
 * @param beta         weight of the KL to the reference, {@code >= 0}
 * @param kl           where the KL enters: {@link KlMode#REWARD} (default) or {@link KlMode#K3_LOSS} (DeepSeekMath)
 * @param clipEpsilon  ratio clip ε, {@code > 0}
 * @param epochs       passes over each group's rollout (GRPO's μ), {@code >= 1}
 * @param minibatches  minibatches per pass, {@code >= 1}
 * @param scaleByStd   whether to divide the group-centred rewards by the group's standard deviation (DeepSeekMath:
 *                     yes; "Dr. GRPO": no)
 * @param maxNewTokens longest completion, {@code >= 1}
 * @param temperature  sampling temperature, {@code > 0}; log-probabilities are taken at the same temperature
 * @param stopToken    token that ends a completion, or -1 for completions of exactly {@code maxNewTokens}
 */
public record GrpoOptions(int groupSize, double beta, KlMode kl, double clipEpsilon, int epochs, int minibatches,
                          boolean scaleByStd, int maxNewTokens, double temperature, int stopToken) {

    /**
     * How GRPO keeps the policy near the reference.
     */
    public enum KlMode {
        /**
         * Per-token penalty folded into the sequence reward before the group normalization:
         * {@code r̃ = r − β Σ_t (log π_old(y_t) − log π_ref(y_t))}. Its fixed point is the KL-regularized optimum
         * {@code π* ∝ π_ref · exp(r/β)}: there r̃ is the same for every completion, so every advantage is 0.
         */
        REWARD,
        /**
         * DeepSeekMath's form: {@code β · k3} added to the loss per token, {@code k3 = π_ref/π − log(π_ref/π) − 1}.
         * Its expected gradient is that of KL(π_ref ‖ π) (the reverse direction), so its optimum is not
         * {@code π_ref · exp(r/β)}; kept for comparison with published GRPO runs.
         */
        K3_LOSS
    }

    /** G 8, β 0.04, KL in the reward, ε 0.2, 1 epoch, 1 minibatch, std scaling, 16 tokens, T 1, no stop token. */
    public static final GrpoOptions DEFAULTS = new GrpoOptions(8, 0.04, KlMode.REWARD, 0.2, 1, 1, true, 16, 1.0, -1);

    /** @throws IllegalArgumentException naming the option and its allowed range */
    public GrpoOptions {
        Checks.atLeast("grpo", "groupSize", groupSize, 2);
        Checks.atLeast("grpo", "beta", beta, 0);
        if (kl == null) {
            throw new IllegalArgumentException("grpo: kl must be REWARD or K3_LOSS");
        }
        Checks.positive("grpo", "clipEpsilon", clipEpsilon);
        Checks.atLeast("grpo", "epochs", epochs, 1);
        Checks.atLeast("grpo", "minibatches", minibatches, 1);
        new Sampler(maxNewTokens, temperature, stopToken); // checks the sampling options
    }

    Sampler sampler() {
        return new Sampler(maxNewTokens, temperature, stopToken);
    }
}
