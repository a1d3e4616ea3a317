package dev.quire.rlhf;

import dev.quire.api.AlignmentReward;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.ParameterSource;
import dev.quire.api.TrainingContext;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A reward model as in InstructGPT: a {@link Gpt} trunk with a scalar head read at each sequence's last real
 * token, {@code r(x, y) = w · h_last + b}. It is trained on K-wise rankings with the pairwise Bradley–Terry loss
 * {@code −log σ(r_w − r_l)} over all C(K, 2) pairs of a ranking, the K completions of one prompt scored in one
 * forward batch and the loss averaged over the ranking's pairs (then over rankings), so no completion is seen
 * twice per step.
 *
 * <p>Its state is the trunk's {@link Gpt#stateDict()} plus {@code reward_head.weight [1, C]} and
 * {@code reward_head.bias [1]}. Not thread-safe.
 */
public final class RewardModel implements AlignmentReward, ParameterSource {

    /** Name of the head's weight in {@link #stateDict()}. */
    public static final String HEAD_WEIGHT = "reward_head.weight";
    /** Name of the head's bias in {@link #stateDict()}. */
    public static final String HEAD_BIAS = "reward_head.bias";

    private final Gpt trunk;
    private final Tensor weight; // [1, C]
    private final Tensor bias;   // [1]
    private final List<Parameter> parameters;

    /**
     * A reward model on {@code trunk} (typically the fine-tuned policy's weights) with a new head drawn from
     * normal(0, 1/(C+1)) (InstructGPT's scalar head init), bias 0.
     */
    public RewardModel(Gpt trunk, long seed) {
        this.trunk = Objects.requireNonNull(trunk, "trunk");
        int width = trunk.config().width();
        this.weight = Tensor.randn(new Rng(seed), (float) (1 / Math.sqrt(width + 1)), 1, width).requiresGrad(true);
        this.bias = Tensor.parameter(new float[1], 1);
        List<Parameter> list = new ArrayList<>(trunk.parameters());
        list.add(new Parameter(HEAD_WEIGHT, weight));
        list.add(new Parameter(HEAD_BIAS, bias));
        this.parameters = List.copyOf(list);
    }

    /** The transformer under the head. */
    public Gpt trunk() {
        return trunk;
    }

    /** The trunk's parameters, then {@code reward_head.weight} and {@code reward_head.bias}. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The trunk's groups ({@link Gpt#optimizerGroups()}) plus the head, without weight decay. */
    public List<ParameterGroup> optimizerGroups() {
        List<ParameterGroup> groups = new ArrayList<>(trunk.optimizerGroups());
        groups.add(new ParameterGroup("reward_head", List.of(parameters.get(parameters.size() - 2),
                parameters.getLast()), Map.of(ParameterGroup.WEIGHT_DECAY, 0.0)));
        return groups;
    }

    /**
     * The reward of every sequence of the batch.
     *
     * @return {@code [B]}, with autograd history when grad is enabled
     */
    public Tensor scores(SequenceBatch batch, TrainingContext context) {
        int b = batch.batch();
        int t = batch.time();
        Tensor features = trunk.features(batch.tokens(), b, t, context);       // [B, T, C]
        Tensor perPosition = features.linear(weight, bias).reshape(b, t);      // [B, T]
        float[] last = new float[b * t];                                         // one-hot of each last real token
        for (int i = 0; i < b; i++) {
            last[batch.lastPosition(i)] = 1f;
        }
        return perPosition.mul(Tensor.of(last, b, t)).sum(1, false);           // [B]
    }

    /** Scores completions without recording gradients: the reward PPO and GRPO optimize. */
    @Override
    public double[] score(List<int[]> prompts, List<int[]> completions) {
        try (var noGrad = Grad.disabled()) {
            float[] s = scores(SequenceBatch.of(prompts, completions), inference()).data();
            double[] out = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i];
            }
            return out;
        }
    }

    /**
     * The Bradley–Terry loss of a batch of rankings, with autograd history, and its metrics.
     *
     * @param loss    scalar {@code []}
     * @param metrics the same loss as a number, and accuracy and margin over the batch's pairs
     */
    public record Loss(Tensor loss, RankingMetrics metrics) {
    }

    /** The loss of {@code rankings}: every completion of every ranking in one forward pass. */
    public Loss loss(List<TokenRanking> rankings, TrainingContext context) {
        if (rankings.isEmpty()) {
            throw new IllegalArgumentException("reward model: no rankings in the batch");
        }
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        int pairs = 0;
        for (TokenRanking r : rankings) {
            for (int[] c : r.completions()) {
                prompts.add(r.prompt());
                completions.add(c);
            }
            pairs += r.pairs();
        }
        int sequences = prompts.size();
        // Row p of `pairMatrix` is +1 at pair p's winner and −1 at its loser, so pairMatrix · scores = r_w − r_l.
        float[] pairMatrix = new float[pairs * sequences];   // [P, B]
        float[] pairWeight = new float[pairs];               // [P]: 1 / (C(K,2) · rankings)
        int p = 0;
        int offset = 0;
        for (TokenRanking r : rankings) {
            int k = r.completions().size();
            for (int i = 0; i < k; i++) {
                for (int j = i + 1; j < k; j++) {
                    pairMatrix[p * sequences + offset + i] = 1f;
                    pairMatrix[p * sequences + offset + j] = -1f;
                    pairWeight[p] = 1f / (r.pairs() * rankings.size());
                    p++;
                }
            }
            offset += k;
        }
        Tensor scores = scores(SequenceBatch.of(prompts, completions), context);             // [B]
        Tensor margins = Tensor.of(pairMatrix, pairs, sequences).matmul(scores.reshape(sequences, 1))
                .reshape(pairs);                                                              // [P]
        Tensor loss = Ops.logSigmoid(margins).mul(Tensor.of(pairWeight, pairs)).sum().neg();  // []
        float[] m = margins.data();
        double correct = 0;
        double margin = 0;
        for (float v : m) {
            correct += v > 0 ? 1 : 0;
            margin += v;
        }
        return new Loss(loss, new RankingMetrics(loss.item(), correct / pairs, margin / pairs, pairs));
    }

    /** One optimizer step on a batch of rankings; returns the batch's metrics (before the step). */
    public RankingMetrics trainStep(List<TokenRanking> rankings, Optimizer optimizer, RandomGenerator random) {
        Loss loss = loss(rankings, new TrainingContext(true, 0, random));
        optimizer.zeroGrad();
        loss.loss().backward();
        optimizer.step();
        return loss.metrics();
    }

    /** Loss, accuracy and margin on held-out rankings, without gradients and without dropout. */
    public RankingMetrics evaluate(List<TokenRanking> rankings) {
        try (var noGrad = Grad.disabled()) {
            return loss(rankings, inference()).metrics();
        }
    }

    /** Every parameter by name (the live tensors): the trunk's names, then the two head entries. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> map = new LinkedHashMap<>(trunk.stateDict());
        map.put(HEAD_WEIGHT, weight);
        map.put(HEAD_BIAS, bias);
        return map;
    }

    /**
     * Loads weights saved from {@link #stateDict()}: the trunk's through {@link Gpt#loadStateDict}, and the head.
     *
     * @throws IllegalArgumentException naming a missing or mis-sized head entry, or the trunk's problems
     */
    public void loadStateDict(Map<String, float[]> weights) {
        float[] w = weights.get(HEAD_WEIGHT);
        float[] b = weights.get(HEAD_BIAS);
        if (w == null || b == null) {
            throw new IllegalArgumentException("reward model: missing " + (w == null ? HEAD_WEIGHT : HEAD_BIAS)
                    + " (is this a policy checkpoint rather than a reward model?)");
        }
        if (w.length != weight.size() || b.length != 1) {
            throw new IllegalArgumentException("reward model: " + HEAD_WEIGHT + " has " + w.length + " values and "
                    + HEAD_BIAS + " " + b.length + ", expected " + weight.size() + " (shape "
                    + Arrays.toString(weight.shape()) + ") and 1");
        }
        Map<String, float[]> rest = new HashMap<>(weights);
        rest.remove(HEAD_WEIGHT);
        rest.remove(HEAD_BIAS);
        trunk.loadStateDict(rest);
        System.arraycopy(w, 0, weight.data(), 0, w.length);
        bias.data()[0] = b[0];
    }

    private static TrainingContext inference() {
        return new TrainingContext(false, 0, new Rng(0));
    }
}
