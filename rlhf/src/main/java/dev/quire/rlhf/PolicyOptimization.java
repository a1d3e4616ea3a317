package dev.quire.rlhf;

import dev.quire.api.AlignmentContext;
import dev.quire.api.Optimizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The update shared by PPO and GRPO: several epochs over the rollout in shuffled minibatches of sequences,
 * each minimizing the clipped surrogate {@code −min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)} with {@code ρ = π_θ/π_old} per
 * completion token, weighted per token, plus (PPO) the value loss or (GRPO with k3) the KL term.
 *
 * @param epochs         passes over the rollout
 * @param minibatches    minibatches per pass (sequences split as evenly as possible)
 * @param clipEpsilon    ε of the ratio clip
 * @param valueCoef      weight of the value loss {@code ½(V − R)²} (PPO), or 0
 * @param k3Beta         weight of the k3 estimate of KL(π_θ ‖ π_ref) in the loss (GRPO's DeepSeekMath form), or 0
 * @param perSequenceMean whether each sequence's tokens are averaged first and then the sequences (GRPO), rather
 *                       than all tokens of the minibatch at once (PPO)
 */
record PolicyOptimization(int epochs, int minibatches, double clipEpsilon, double valueCoef, double k3Beta,
                          boolean perSequenceMean) {

    /** Statistics of one update, averaged over every minibatch step (ratio and clip fraction over tokens). */
    record Stats(double policyLoss, double valueLoss, double ratio, double ratioFirst, double clipFraction) {
    }

    /**
     * @param advantages per sequence, per completion token
     * @param returns    per sequence, per completion token, the value targets (PPO), or null
     */
    Stats run(AlignmentContext context, Optimizer optimizer, Rollout rollout, ValueHead valueHead,
              float[][] advantages, float[][] returns, double temperature, long step) {
        int n = rollout.size();
        int parts = Math.min(minibatches, n);
        double policyLoss = 0;
        double valueLoss = 0;
        double ratioSum = 0;
        double clipped = 0;
        long tokens = 0;
        double ratioFirst = Double.NaN;
        int steps = 0;
        TrainingContext ctx = new TrainingContext(false, step, context.random());
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = shuffled(n, context);
            for (int part = 0; part < parts; part++) {
                int from = part * n / parts;
                int to = (part + 1) * n / parts;
                List<int[]> prompts = new ArrayList<>(to - from);
                List<int[]> completions = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    prompts.add(rollout.prompts().get(order[i]));
                    completions.add(rollout.completions().get(order[i]));
                }
                SequenceBatch batch = SequenceBatch.of(prompts, completions);
                int size = batch.batch() * batch.time();
                float[] old = new float[size];      // [B, T] log π_old, 0 outside completions
                float[] ref = new float[size];      // [B, T] log π_ref
                float[] adv = new float[size];      // [B, T]
                float[] ret = new float[size];      // [B, T]
                float[] weight = new float[size];   // [B, T] each token's share of the loss
                int minibatchTokens = batch.completionTokens();
                for (int b = 0; b < batch.batch(); b++) {
                    int seq = order[from + b];
                    int length = batch.completionLength(b);
                    for (int j = 0; j < length; j++) {
                        int pos = batch.completionPosition(b, j);
                        old[pos] = rollout.oldLogProbs()[seq][j];
                        ref[pos] = rollout.refLogProbs()[seq][j];
                        adv[pos] = advantages[seq][j];
                        ret[pos] = returns == null ? 0 : returns[seq][j];
                        weight[pos] = perSequenceMean ? 1f / (length * batch.batch()) : 1f / minibatchTokens;
                    }
                }
                int[] shape = {batch.batch(), batch.time()};
                Tensor weights = Tensor.of(weight, shape);
                Rollout.Forward forward = Rollout.Forward.run(context.policy(), batch, temperature, ctx, valueHead);
                Tensor logRatio = forward.logProbs().sub(Tensor.of(old, shape));               // [B, T], 0 outside
                Tensor ratio = logRatio.exp();                                                  // [B, T]
                Tensor surrogate = Ops.clippedSurrogate(ratio, adv, clipEpsilon).mul(weights).sum(); // []
                Tensor loss = surrogate;
                Tensor value = null;
                if (valueHead != null && valueCoef > 0) {
                    value = forward.values().sub(Tensor.of(ret, shape)).square().mul(weights).sum().mul(0.5f); // []
                    loss = loss.add(value.mul((float) valueCoef));
                }
                if (k3Beta > 0) {
                    // k3 = π_ref/π − log(π_ref/π) − 1 per token (Schulman's unbiased, positive estimator); 0 outside.
                    Tensor d = Tensor.of(ref, shape).sub(forward.logProbs());                  // [B, T]
                    Tensor k3 = d.exp().sub(d).add(-1f).mul(weights).sum();                     // []
                    loss = loss.add(k3.mul((float) k3Beta));
                }
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();

                float[] r = ratio.data();
                double firstSum = 0;
                for (int i = 0; i < size; i++) {
                    if (weight[i] > 0) {
                        ratioSum += r[i];
                        firstSum += r[i];
                        clipped += Ops.outsideClip(r[i], clipEpsilon) ? 1 : 0;
                        tokens++;
                    }
                }
                if (steps == 0) {
                    ratioFirst = firstSum / minibatchTokens;
                }
                policyLoss += surrogate.item();
                valueLoss += value == null ? 0 : value.item();
                steps++;
            }
        }
        return new Stats(policyLoss / steps, valueLoss / steps, ratioSum / tokens, ratioFirst, clipped / tokens);
    }

    private static int[] shuffled(int n, AlignmentContext context) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
