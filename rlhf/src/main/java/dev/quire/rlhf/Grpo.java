package dev.quire.rlhf;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentRun;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath). Each update samples G completions per
 * prompt; each completion's advantage is its reward relative to its group,
 * {@code A_i = (r̃_i − mean(r̃)) / (std(r̃) + 1e-4)} (without the division when {@code scaleByStd} is off), the same
 * for every token of the completion; no value head. The loss is the clipped surrogate averaged over each
 * completion's tokens and then over completions. The KL to the reference enters as set by {@link GrpoOptions.KlMode}:
 * by default as a per-token penalty in the reward ({@code r̃ = r − β Σ_t log π_old/π_ref}), whose optimum is
 * {@code π_ref · exp(r/β)}; or as DeepSeekMath's k3 term in the loss.
 *
 * <p>Metrics: {@code reward}, {@code kl} (mean Σ_t log π_old − log π_ref per completion), {@code entropy},
 * {@code clipfrac}, {@code ratio}, {@code ratio_first}, {@code loss/policy}, {@code reward_std} (mean within-group
 * standard deviation of the raw reward), {@code completion_length}.
 */
public final class Grpo implements AlignmentMethod {

    private final GrpoOptions options;

    /** A GRPO method with these options. */
    public Grpo(GrpoOptions options) {
        this.options = options;
    }

    @Override
    public AlignmentRun start(AlignmentContext context) {
        if (context.reward() == null) {
            throw new IllegalArgumentException("grpo: needs a reward (a reward model or function); the context has none");
        }
        return new Run(context, options);
    }

    /** One GRPO run: the optimizer and the step counter. */
    private static final class Run implements AlignmentRun {
        private final AlignmentContext context;
        private final GrpoOptions options;
        private final Optimizer optimizer;
        private final PolicyOptimization optimization;
        private long step;

        Run(AlignmentContext context, GrpoOptions options) {
            this.context = context;
            this.options = options;
            this.optimizer = context.optimizer().create(context.policyGroups());
            double k3 = options.kl() == GrpoOptions.KlMode.K3_LOSS ? options.beta() : 0;
            this.optimization = new PolicyOptimization(options.epochs(), options.minibatches(), options.clipEpsilon(),
                    0, k3, true);
        }

        @Override
        public Map<String, Double> update(AlignmentBatch batch) {
            if (batch.prompts().isEmpty()) {
                throw new IllegalArgumentException("grpo: the batch has no prompts");
            }
            int g = options.groupSize();
            Rollout rollout = Rollout.collect(context, batch.prompts(), g, options.sampler(), null, step);
            int n = rollout.size();
            double[] shaped = new double[n];
            double kl = 0;
            double length = 0;
            for (int b = 0; b < n; b++) {
                double seqKl = rollout.kl(b);
                kl += seqKl;
                length += rollout.completions().get(b).length;
                shaped[b] = rollout.scores()[b]
                        - (options.kl() == GrpoOptions.KlMode.REWARD ? options.beta() * seqKl : 0);
            }
            float[][] advantages = new float[n][];
            double rewardStd = 0;
            // Rollout.collect keeps each prompt's G completions together: group k is rows k·G .. k·G + G − 1.
            for (int start = 0; start < n; start += g) {
                double mean = 0;
                for (int i = start; i < start + g; i++) {
                    mean += shaped[i];
                }
                mean /= g;
                double var = 0;
                for (int i = start; i < start + g; i++) {
                    var += (shaped[i] - mean) * (shaped[i] - mean);
                }
                double std = Math.sqrt(var / (g - 1)); // unbiased, as torch.std in the reference implementations
                rewardStd += rawStd(rollout.scores(), start, g);
                for (int i = start; i < start + g; i++) {
                    double a = options.scaleByStd() ? (shaped[i] - mean) / (std + 1e-4) : shaped[i] - mean;
                    advantages[i] = new float[rollout.oldLogProbs()[i].length];
                    java.util.Arrays.fill(advantages[i], (float) a);
                }
            }
            PolicyOptimization.Stats stats = optimization.run(context, optimizer, rollout, null, advantages, null,
                    options.temperature(), step);
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
            metrics.put("reward_std", rewardStd / (n / g));
            metrics.put("completion_length", length / n);
            return metrics;
        }

        private static double rawStd(double[] scores, int start, int g) {
            double mean = 0;
            for (int i = start; i < start + g; i++) {
                mean += scores[i];
            }
            mean /= g;
            double var = 0;
            for (int i = start; i < start + g; i++) {
                var += (scores[i] - mean) * (scores[i] - mean);
            }
            return Math.sqrt(var / (g - 1));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }
}
