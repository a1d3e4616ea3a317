package dev.quire.rlhf;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentRun;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.PreferencePair;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct Preference Optimization (Rafailov et al. 2023). For a pair where {@code y_w} was preferred to
 * {@code y_l}, with {@code h(y) = log π(y|x) − log π_ref(y|x)}:
 * <pre>  loss = −log σ(β · (h(y_w) − h(y_l)))</pre>
 * averaged over the batch, one optimizer step per batch. Its population optimum, for preferences that follow
 * Bradley–Terry on a reward r, is {@code π*(y) ∝ π_ref(y) · exp(r(y)/β)}.
 *
 * <p>Metrics (TRL's names): {@code loss}; {@code rewards/chosen} and {@code rewards/rejected}, the mean implicit
 * rewards {@code β·h}; {@code rewards/margins}, their mean difference; {@code rewards/accuracies}, the fraction
 * of pairs whose chosen completion has the larger implicit reward.
 */
public final class Dpo implements AlignmentMethod {

    private final DpoOptions options;

    /** A DPO method with these options. */
    public Dpo(DpoOptions options) {
        this.options = options;
    }

    @Override
    public AlignmentRun start(AlignmentContext context) {
        return new Run(context, options);
    }

    /** One DPO run: the optimizer and the step counter. */
    private static final class Run implements AlignmentRun {
        private final AlignmentContext context;
        private final double beta;
        private final Optimizer optimizer;
        private long step;

        Run(AlignmentContext context, DpoOptions options) {
            this.context = context;
            this.beta = options.beta();
            this.optimizer = context.optimizer().create(context.policyGroups());
        }

        @Override
        public Map<String, Double> update(AlignmentBatch batch) {
            List<PreferencePair> pairs = batch.preferences();
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("dpo: the batch has no preference pairs");
            }
            int n = pairs.size();
            // Chosen completions in rows 0..n-1, rejected in rows n..2n-1: one forward pass for both.
            List<int[]> prompts = new ArrayList<>(2 * n);
            List<int[]> completions = new ArrayList<>(2 * n);
            for (PreferencePair p : pairs) {
                prompts.add(p.prompt());
                completions.add(p.chosen());
            }
            for (PreferencePair p : pairs) {
                prompts.add(p.prompt());
                completions.add(p.rejected());
            }
            SequenceBatch sequences = SequenceBatch.of(prompts, completions);
            TrainingContext ctx = new TrainingContext(false, step, context.random());
            float[] reference;
            try (var noGrad = Grad.disabled()) {
                reference = LogProbs.sequences(context.reference(), sequences, ctx).data().clone(); // [2n]
            }
            Tensor policy = LogProbs.sequences(context.policy(), sequences, ctx);                    // [2n]
            Tensor h = policy.sub(Tensor.of(reference, 2 * n));                                      // [2n]
            Tensor chosen = h.slice(0, 0, n);                                                        // [n]
            Tensor rejected = h.slice(0, n, 2 * n);                                                  // [n]
            Tensor loss = Ops.logSigmoid(chosen.sub(rejected).mul((float) beta)).mean().neg();      // []

            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            step++;

            double rewardChosen = 0;
            double rewardRejected = 0;
            double accuracy = 0;
            float[] hv = h.data();
            for (int i = 0; i < n; i++) {
                rewardChosen += beta * hv[i];
                rewardRejected += beta * hv[n + i];
                accuracy += hv[i] > hv[n + i] ? 1 : 0;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("loss", (double) loss.item());
            metrics.put("rewards/chosen", rewardChosen / n);
            metrics.put("rewards/rejected", rewardRejected / n);
            metrics.put("rewards/margins", (rewardChosen - rewardRejected) / n);
            metrics.put("rewards/accuracies", accuracy / n);
            return metrics;
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
