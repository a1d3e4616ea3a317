package dev.quire.rlhf;

import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentModel;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Sampled completions and everything PPO and GRPO read from them before updating: the reward of each
 * completion and, per completion token, the log-probability under the sampling policy and the reference,
 * and (PPO) the value estimate. Per-token arrays are indexed {@code [sequence][token of its completion]}.
 *
 * @param prompts     the prompt of each sequence
 * @param completions the sampled completion of each sequence
 * @param scores      the reward of each completion
 * @param oldLogProbs log π_old of each completion token (the policy that sampled, at the sampling temperature)
 * @param refLogProbs log π_ref of each completion token
 * @param values      the value head's estimate before each completion token, or null without a value head
 * @param entropy     mean entropy (nats) of the sampling distribution over the completion positions
 */
record Rollout(List<int[]> prompts, List<int[]> completions, double[] scores, float[][] oldLogProbs,
               float[][] refLogProbs, float[][] values, double entropy) {

    int size() {
        return prompts.size();
    }

    /** Sum over a completion of log π_old − log π_ref: the sample estimate of KL(π_old ‖ π_ref) for this sequence. */
    double kl(int b) {
        double kl = 0;
        for (int j = 0; j < oldLogProbs[b].length; j++) {
            kl += oldLogProbs[b][j] - refLogProbs[b][j];
        }
        return kl;
    }

    /**
     * Samples {@code perPrompt} completions for each prompt, scores them and records the log-probabilities.
     *
     * @param valueHead the value head on the policy's features, or null (GRPO)
     */
    static Rollout collect(AlignmentContext context, List<int[]> prompts, int perPrompt, Sampler sampler,
                           ValueHead valueHead, long step) {
        List<int[]> allPrompts = new ArrayList<>();
        List<int[]> allCompletions = new ArrayList<>();
        for (int[] prompt : prompts) {
            List<int[]> drawn = sampler.sample(context.policy(), prompt, perPrompt, context.random());
            for (int[] completion : drawn) {
                allPrompts.add(prompt);
                allCompletions.add(completion);
            }
        }
        double[] scores = context.reward().score(allPrompts, allCompletions);
        if (scores.length != allPrompts.size()) {
            throw new IllegalStateException("the reward returned " + scores.length + " scores for "
                    + allPrompts.size() + " completions");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalStateException("the reward of completion " + i + " is " + scores[i]);
            }
        }
        SequenceBatch batch = SequenceBatch.of(allPrompts, allCompletions);
        TrainingContext inference = new TrainingContext(false, step, context.random());
        int n = batch.batch();
        float[][] old = new float[n][];
        float[][] ref = new float[n][];
        float[][] values = valueHead == null ? null : new float[n][];
        double entropy;
        try (var noGrad = Grad.disabled()) {
            Forward forward = Forward.run(context.policy(), batch, sampler.temperature(), inference, valueHead);
            float[] oldFlat = forward.logProbs().data();                                         // [B, T]
            float[] valueFlat = valueHead == null ? null : forward.values().data();               // [B, T]
            entropy = meanEntropy(forward.logits(), batch);
            Tensor refLogits = scaled(context.reference().logits(batch.tokens(), n, batch.time(), inference),
                    sampler.temperature());                                                         // [B, T, V]
            float[] refFlat = LogProbs.perToken(refLogits, batch).data();                           // [B, T]
            for (int b = 0; b < n; b++) {
                int length = batch.completionLength(b);
                old[b] = new float[length];
                ref[b] = new float[length];
                if (values != null) {
                    values[b] = new float[length];
                }
                for (int j = 0; j < length; j++) {
                    int pos = batch.completionPosition(b, j);
                    old[b][j] = oldFlat[pos];
                    ref[b][j] = refFlat[pos];
                    if (values != null) {
                        values[b][j] = valueFlat[pos];
                    }
                }
            }
        }
        return new Rollout(allPrompts, allCompletions, scores, old, ref, values, entropy);
    }

    /** Logits divided by the sampling temperature, so log-probabilities are those of the distribution sampled. */
    static Tensor scaled(Tensor logits, double temperature) {
        return temperature == 1.0 ? logits : logits.mul((float) (1.0 / temperature));
    }

    /** Mean over completion positions of the entropy of softmax(logits). */
    private static double meanEntropy(Tensor logits, SequenceBatch batch) {
        float[] x = logits.data();                    // [B, T, V]
        int vocab = x.length / (batch.batch() * batch.time());
        double total = 0;
        int count = 0;
        for (int b = 0; b < batch.batch(); b++) {
            for (int j = 0; j < batch.completionLength(b); j++) {
                int base = batch.completionPosition(b, j) * vocab;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    max = Math.max(max, x[base + v]);
                }
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    sum += Math.exp(x[base + v] - max);
                }
                double logSum = Math.log(sum) + max;
                double h = 0;
                for (int v = 0; v < vocab; v++) {
                    double logP = x[base + v] - logSum;
                    h -= Math.exp(logP) * logP;
                }
                total += h;
                count++;
            }
        }
        return total / count;
    }

    /**
     * One pass of the policy over a batch: logits (at the temperature), per-token log-probabilities and, with a
     * value head, the values, all from one run of the network.
     *
     * @param logits   {@code [B, T, V]}
     * @param logProbs {@code [B, T]}, 0 outside completions
     * @param values   {@code [B, T]}, or null
     */
    record Forward(Tensor logits, Tensor logProbs, Tensor values) {
        static Forward run(AlignmentModel policy, SequenceBatch batch, double temperature, TrainingContext context,
                           ValueHead valueHead) {
            Tensor features = policy.features(batch.tokens(), batch.batch(), batch.time(), context); // [B, T, C]
            Tensor logits = scaled(policy.logitsFromFeatures(features), temperature);                // [B, T, V]
            Tensor logProbs = LogProbs.perToken(logits, batch);                                       // [B, T]
            Tensor values = valueHead == null ? null : valueHead.apply(features);                    // [B, T]
            return new Forward(logits, logProbs, values);
        }
    }
}
