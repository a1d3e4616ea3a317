package dev.quire.rlhf.experiments;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentReward;
import dev.quire.api.AlignmentRun;
import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.PreferencePair;
import dev.quire.api.ServiceComponents;
import dev.quire.api.TrainingContext;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Rng;
import dev.quire.rlhf.Dpo;
import dev.quire.rlhf.DpoOptions;
import dev.quire.rlhf.GptPolicy;
import dev.quire.rlhf.Grpo;
import dev.quire.rlhf.GrpoOptions;
import dev.quire.rlhf.LogProbs;
import dev.quire.rlhf.Ppo;
import dev.quire.rlhf.PpoOptions;
import dev.quire.rlhf.SequenceBatch;
import dev.quire.tensor.Grad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exact-oracle experiment. One prompt, every completion of {@link #LENGTH} tokens over a vocabulary of
 * {@link #VOCAB}: {@code VOCAB^LENGTH} completions, few enough to compute the policy's exact distribution by
 * enumerating them, and so the KL-regularized optimum {@code π*(y) ∝ π_ref(y)·exp(r(y)/β)}. DPO learns from
 * preferences drawn from r by Bradley–Terry sampling; PPO and GRPO optimize r itself; each run reports the total
 * variation between the policy's exact distribution and π*.
 *
 * <p>{@code main} runs every method for β in {0.1, 0.5} and prints the distances (docs/alignment.md).
 */
public final class ExactOracle {

    /** Vocabulary size; every token may appear in a completion. */
    public static final int VOCAB = 4;
    /** Tokens per completion (fixed length, no stop token). */
    public static final int LENGTH = 2;
    /** The single prompt. */
    public static final int[] PROMPT = {0};

    private final List<int[]> completions = new ArrayList<>();
    private final double[] reward;
    private final Gpt reference;
    private final double[] referenceProbabilities;
    private final long seed;

    /**
     * A fresh oracle problem: a reference model with non-uniform completion probabilities and a fixed reward
     * in {0, 0.5, 1, 1.5, 2.5} on each completion.
     */
    public ExactOracle(long seed) {
        this.seed = seed;
        for (int a = 0; a < VOCAB; a++) {
            for (int b = 0; b < VOCAB; b++) {
                completions.add(new int[] {a, b});
            }
        }
        // Reward levels 0, 0.5, 1, 1.5 and a unique best at 2.5, placed on the completions by the seed: spread
        // enough that π* differs clearly from π_ref at β = 0.5, and a best one that dominates at β = 0.1 (a gap of
        // 1 to the next is a factor e^10 there; with a gap of 0.5, DPO from Bradley–Terry samples needs far more
        // pairs to pin the ratio of the two, see docs/alignment.md).
        int[] levels = {5, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0};
        Rng rng = new Rng(seed * 31 + 7);
        for (int i = levels.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = levels[i];
            levels[i] = levels[j];
            levels[j] = t;
        }
        reward = new double[completions.size()];
        for (int i = 0; i < reward.length; i++) {
            reward[i] = 0.5 * levels[i];
        }
        reference = model(seed);
        referenceProbabilities = distribution(reference);
    }

    /** A tiny GPT (1 layer, 2 heads, width 16) whose token embedding is scaled up so its completions are far from uniform. */
    public static Gpt model(long seed) {
        Attention attention = ServiceComponents.create(ComponentKind.ATTENTION, "standard", Attention.class, Map.of());
        PositionalEncoding positional = ServiceComponents.create(ComponentKind.POSITIONAL_ENCODING, "learned",
                PositionalEncoding.class, Map.of());
        Gpt gpt = new Gpt(GptConfig.nanoGpt(VOCAB, PROMPT.length + LENGTH, 1, 2, 16), attention, positional,
                List.of(), seed);
        float[] wte = gpt.stateDict().get("transformer.wte.weight").data();
        for (int i = 0; i < wte.length; i++) {
            wte[i] *= 10; // std 0.2: logits of order 1 instead of 0.1, so π_ref is far from uniform
        }
        return gpt;
    }

    /** A copy of the reference: the starting policy. */
    public Gpt copyOfReference() {
        Gpt copy = model(seed);
        Map<String, float[]> weights = new java.util.LinkedHashMap<>();
        reference.stateDict().forEach((name, tensor) -> weights.put(name, tensor.data().clone()));
        copy.loadStateDict(weights);
        return copy;
    }

    /** The reference model (never updated). */
    public Gpt reference() {
        return reference;
    }

    /** Every completion, in the order of the probability arrays. */
    public List<int[]> completions() {
        return completions;
    }

    /** The reward of each completion. */
    public double[] reward() {
        return reward.clone();
    }

    /** The reward as the online methods see it. */
    public AlignmentReward rewardFunction() {
        return AlignmentReward.of((prompt, completion) -> reward[index(completion)]);
    }

    private static int index(int[] completion) {
        int i = 0;
        for (int t : completion) {
            i = i * VOCAB + t;
        }
        return i;
    }

    /** The model's exact probability of each completion: exp of its summed token log-probabilities. */
    public double[] distribution(Gpt model) {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < completions.size(); i++) {
            prompts.add(PROMPT);
        }
        try (var noGrad = Grad.disabled()) {
            float[] logProbs = LogProbs.sequences(model, SequenceBatch.of(prompts, completions),
                    new TrainingContext(false, 0, new Rng(0))).data();
            double[] p = new double[logProbs.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.exp(logProbs[i]);
            }
            return p;
        }
    }

    /** π*(y) ∝ π_ref(y) · exp(r(y)/β). */
    public double[] optimum(double beta) {
        double[] p = new double[reward.length];
        double max = Arrays.stream(reward).max().orElseThrow();
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = referenceProbabilities[i] * Math.exp((reward[i] - max) / beta);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    /** Total variation distance ½ Σ |p − q|. */
    public static double totalVariation(double[] p, double[] q) {
        double tv = 0;
        for (int i = 0; i < p.length; i++) {
            tv += Math.abs(p[i] - q[i]);
        }
        return tv / 2;
    }

    /** An AdamW factory with the given learning rate and no weight decay (decay would pull away from π*). */
    public static OptimizerFactory adamw(double lr) {
        return ServiceComponents.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("lr", lr, "weightDecay", 0.0));
    }

    /** A run of {@code method} on a fresh copy of the reference. */
    public Result align(AlignmentMethod method, double lr, boolean withReward) {
        Gpt policy = copyOfReference();
        AlignmentContext context = new AlignmentContext(new GptPolicy(policy), reference, policy.optimizerGroups(),
                adamw(lr), withReward ? rewardFunction() : null, new Rng(seed + 1000));
        return new Result(policy, method.start(context));
    }

    /** A policy and its run. */
    public record Result(Gpt policy, AlignmentRun run) {
    }

    /** Preferences drawn from r: two completions uniformly, the first chosen with probability σ(r1 − r2). */
    public List<PreferencePair> preferences(int count, Rng rng) {
        List<PreferencePair> pairs = new ArrayList<>(count);
        while (pairs.size() < count) {
            int a = rng.nextInt(completions.size());
            int b = rng.nextInt(completions.size());
            if (a == b) {
                continue;
            }
            boolean firstWins = rng.nextDouble() < 1 / (1 + Math.exp(-(reward[a] - reward[b])));
            int w = firstWins ? a : b;
            int l = firstWins ? b : a;
            pairs.add(new PreferencePair(PROMPT, completions.get(w), completions.get(l)));
        }
        return pairs;
    }

    /** DPO for {@code steps} steps of {@code pairs} fresh preferences; returns TV to π*. */
    public double dpo(double beta, int steps, int pairs, double lr) {
        Result result = align(new Dpo(new DpoOptions(beta)), lr, false);
        Rng data = new Rng(seed + 2000);
        for (int s = 0; s < steps; s++) {
            decay(result.run(), lr, s, steps);
            result.run().update(AlignmentBatch.ofPreferences(preferences(pairs, data)));
        }
        return totalVariation(distribution(result.policy()), optimum(beta));
    }

    /** PPO on r for {@code steps} updates of {@code samples} completions; returns TV to π*. */
    public double ppo(double beta, int steps, int samples, double lr) {
        PpoOptions options = new PpoOptions(beta, 1.0, 1.0, 0.2, 0.5, 4, 2, samples, LENGTH, 1.0, -1, false);
        Result result = align(new Ppo(options), lr, true);
        for (int s = 0; s < steps; s++) {
            decay(result.run(), lr, s, steps);
            result.run().update(AlignmentBatch.ofPrompts(List.of(PROMPT)));
        }
        return totalVariation(distribution(result.policy()), optimum(beta));
    }

    /** GRPO on r (KL in the reward) for {@code steps} updates of one group of {@code groupSize}; returns TV to π*. */
    public double grpo(double beta, int steps, int groupSize, double lr) {
        return grpo(beta, steps, groupSize, lr, GrpoOptions.KlMode.REWARD);
    }

    /** GRPO on r with the KL entering as {@code kl}; returns TV to π*. */
    public double grpo(double beta, int steps, int groupSize, double lr, GrpoOptions.KlMode kl) {
        GrpoOptions options = new GrpoOptions(groupSize, beta, kl, 0.2, 1, 1, true, LENGTH, 1.0, -1);
        Result result = align(new Grpo(options), lr, true);
        for (int s = 0; s < steps; s++) {
            decay(result.run(), lr, s, steps);
            result.run().update(AlignmentBatch.ofPrompts(List.of(PROMPT)));
        }
        return totalVariation(distribution(result.policy()), optimum(beta));
    }

    /** Linear decay of the learning rate to 0 over the run: the late steps average out sampling noise. */
    private static void decay(AlignmentRun run, double lr, int step, int steps) {
        run.optimizer().setLearningRate(lr * (1 - step / (double) steps));
    }

    /** Steps and batch sizes of the documented runs (the tests use the same). */
    public static final int DPO_STEPS = 2000;
    /** Preference pairs per DPO step. */
    public static final int DPO_PAIRS = 128;
    /** Updates of PPO and of GRPO. */
    public static final int ONLINE_STEPS = 150;
    /** Completions sampled per PPO or GRPO update (GRPO: one group). */
    public static final int ONLINE_SAMPLES = 64;

    /**
     * Prints TV(π_ref, π*) and the TV of DPO, PPO and GRPO to π* for β = 0.1 and 0.5 on seeds 1 to 3.
     *
     * @param args none; or {@code dpo STEPS PAIRS LR} to run DPO alone with other sizes
     */
    public static void main(String[] args) {
        if (args.length == 4 && args[0].equals("dpo")) {
            for (double beta : new double[] {0.1, 0.5}) {
                for (long seed = 1; seed <= 3; seed++) {
                    double tv = new ExactOracle(seed).dpo(beta, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                            Double.parseDouble(args[3]));
                    System.out.printf(Locale.ROOT, "beta %.1f seed %d  TV to pi*: dpo %.4f%n", beta, seed, tv);
                }
            }
            return;
        }
        for (double beta : new double[] {0.1, 0.5}) {
            for (long seed = 1; seed <= 3; seed++) {
                ExactOracle oracle = new ExactOracle(seed);
                long t0 = System.nanoTime();
                double dpo = oracle.dpo(beta, DPO_STEPS, DPO_PAIRS, 0.01);
                double ppo = oracle.ppo(beta, ONLINE_STEPS, ONLINE_SAMPLES, 0.01);
                double grpo = oracle.grpo(beta, ONLINE_STEPS, ONLINE_SAMPLES, 0.01);
                double grpoK3 = oracle.grpo(beta, ONLINE_STEPS, ONLINE_SAMPLES, 0.01, GrpoOptions.KlMode.K3_LOSS);
                System.out.printf(Locale.ROOT, "beta %.1f seed %d  TV(pi_ref, pi*) %.3f  TV to pi*: dpo %.4f  ppo %.4f"
                                + "  grpo %.4f  (grpo with k3 in the loss %.4f)  [%.0fs]%n", beta, seed,
                        totalVariation(oracle.referenceProbabilities, oracle.optimum(beta)), dpo, ppo, grpo, grpoK3,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
