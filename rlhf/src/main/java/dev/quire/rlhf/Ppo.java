package dev.quire.rlhf;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentRun;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proximal Policy Optimization for language models (Ziegler et al. 2019; Ouyang et al. 2022), as in TRL's
 * {@code PPOTrainer}. Each update:
 * <ol>
 *   <li>samples {@code samplesPerPrompt} completions per prompt from the policy and scores them with the reward;</li>
 *   <li>per completion token t, the reward is {@code r_t = −β(log π_old(y_t) − log π_ref(y_t))}, plus the score
 *       at the last token;</li>
 *   <li>a value head on the policy's final hidden states gives {@code V_t}; GAE:
 *       {@code δ_t = r_t + γV_{t+1} − V_t}, {@code A_t = δ_t + γλA_{t+1}} ({@code V} after the last token is 0),
 *       returns {@code R_t = A_t + V_t};</li>
 *   <li>for {@code epochs} passes in {@code minibatches}: minimize the token mean of
 *       {@code −min(ρ_t A_t, clip(ρ_t, 1−ε, 1+ε) A_t) + c_v · ½(V_t − R_t)²}, {@code ρ_t = π_θ(y_t)/π_old(y_t)}.</li>
 * </ol>
 * The policy runs without dropout throughout, so before the first step the ratio is exactly 1.
 *
 * <p>Metrics: {@code reward} (mean score), {@code kl} (mean over sequences of Σ_t log π_old − log π_ref),
 * {@code entropy} (nats per token of the sampling distribution), {@code clipfrac} (fraction of token ratios
 * outside [1−ε, 1+ε]), {@code ratio} (mean ρ over every minibatch step), {@code ratio_first} (mean ρ of the first
 * minibatch, before any step: 1), {@code loss/policy}, {@code loss/value}, {@code completion_length}.
 */
public final class Ppo implements AlignmentMethod {

    private final PpoOptions options;

    /** A PPO method with these options. */
    public Ppo(PpoOptions options) {
        this.options = options;
    }

    @Override
    public AlignmentRun start(AlignmentContext context) {
        if (context.reward() == null) {
            throw new IllegalArgumentException("ppo: needs a reward (a reward model or function); the context has none");
        }
        return new Run(context, options);
    }

    /** One PPO run: the value head, the optimizer over policy and head, the step counter. */
    private static final class Run implements AlignmentRun {
        private final AlignmentContext context;
        private final PpoOptions options;
        private final ValueHead valueHead;
        private final Optimizer optimizer;
        private final PolicyOptimization optimization;
        private long step;

        Run(AlignmentContext context, PpoOptions options) {
            this.context = context;
            this.options = options;
            this.valueHead = new ValueHead("value_head", context.policy().width());
            List<ParameterGroup> groups = new ArrayList<>(context.policyGroups());
            groups.add(new ParameterGroup("value_head", valueHead.parameters(),
                    Map.of(ParameterGroup.WEIGHT_DECAY, 0.0)));
            this.optimizer = context.optimizer().create(groups);
            this.optimization = new PolicyOptimization(options.epochs(), options.minibatches(), options.clipEpsilon(),
                    options.valueCoef(), 0, false);
        }

        @Override
        public Map<String, Double> update(AlignmentBatch batch) {
            if (batch.prompts().isEmpty()) {
                throw new IllegalArgumentException("ppo: the batch has no prompts");
            }
            Rollout rollout = Rollout.collect(context, batch.prompts(), options.samplesPerPrompt(), options.sampler(),
                    valueHead, step);
            int n = rollout.size();
            float[][] advantages = new float[n][];
            float[][] returns = new float[n][];
            double kl = 0;
            double length = 0;
            for (int b = 0; b < n; b++) {
                float[] old = rollout.oldLogProbs()[b];
                float[] ref = rollout.refLogProbs()[b];
                float[] values = rollout.values()[b];
                int tokens = old.length;
                double[] rewards = new double[tokens];
                for (int t = 0; t < tokens; t++) {
                    rewards[t] = -options.beta() * (old[t] - ref[t]) + (t == tokens - 1 ? rollout.scores()[b] : 0);
                }
                advantages[b] = new float[tokens];
                returns[b] = new float[tokens];
                gae(rewards, values, options.gamma(), options.lambda(), advantages[b], returns[b]);
                kl += rollout.kl(b);
                length += tokens;
            }
            if (options.whitenAdvantages()) {
                whiten(advantages);
            }
            PolicyOptimization.Stats stats = optimization.run(context, optimizer, rollout, valueHead, advantages,
                    returns, options.temperature(), step);
            step++;

            double reward = 0;
            for (double s : rollout.scores()) {
                reward += s;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("reward", reward / n);
            metrics.put("kl", kl / n);
            metrics.put("entropy", rollout.entropy());
            metrics.put("clipfrac", stats.clipFraction());
            metrics.put("ratio", stats.ratio());
            metrics.put("ratio_first", stats.ratioFirst());
            metrics.put("loss/policy", stats.policyLoss());
            metrics.put("loss/value", stats.valueLoss());
            metrics.put("completion_length", length / n);
            return metrics;
        }

        @Override
        public List<Parameter> parameters() {
            return valueHead.parameters();
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }

    /**
     * Generalized advantage estimation over one completion: {@code δ_t = r_t + γ V_{t+1} − V_t} with
     * {@code V_L = 0} after the last token, {@code A_t = δ_t + γλ A_{t+1}}, returns {@code R_t = A_t + V_t}.
     *
     * @param advantages filled with {@code A_t}
     * @param returns    filled with {@code R_t}
     */
    static void gae(double[] rewards, float[] values, double gamma, double lambda, float[] advantages,
                    float[] returns) {
        double gae = 0;
        for (int t = rewards.length - 1; t >= 0; t--) {
            double nextValue = t == rewards.length - 1 ? 0 : values[t + 1];
            double delta = rewards[t] + gamma * nextValue - values[t];
            gae = delta + gamma * lambda * gae;
            advantages[t] = (float) gae;
            returns[t] = (float) (gae + values[t]);
        }
    }

    /** Shifts and scales all token advantages of the batch to mean 0 and variance 1 (TRL's whitening). */
    static void whiten(float[][] values) {
        double sum = 0;
        long count = 0;
        for (float[] row : values) {
            for (float v : row) {
                sum += v;
                count++;
            }
        }
        double mean = sum / count;
        double squares = 0;
        for (float[] row : values) {
            for (float v : row) {
                squares += (v - mean) * (v - mean);
            }
        }
        double std = Math.sqrt(squares / count);
        for (float[] row : values) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) ((row[i] - mean) / (std + 1e-8));
            }
        }
    }
}
