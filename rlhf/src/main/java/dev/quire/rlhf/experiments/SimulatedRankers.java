package dev.quire.rlhf.experiments;

import dev.quire.api.AlignmentBatch;
import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentMethod;
import dev.quire.api.AlignmentReward;
import dev.quire.api.AlignmentRun;
import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
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
import dev.quire.rlhf.LogProbs;
import dev.quire.rlhf.Ppo;
import dev.quire.rlhf.PpoOptions;
import dev.quire.rlhf.RankingMetrics;
import dev.quire.rlhf.RewardModel;
import dev.quire.rlhf.Sampler;
import dev.quire.rlhf.SequenceBatch;
import dev.quire.rlhf.TokenRanking;
import dev.quire.tensor.Grad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated-rankers experiment: the whole chain of issue 8 with a known "human". A gold reward (a target
 * length window and favoured tokens) ranks K sampled completions with Gaussian noise; a reward model learns the
 * rankings; PPO (against the reward model) and DPO (on the rankings' pairs) start from the fine-tuned model; both
 * are judged by the gold reward: the win rate of the aligned model's completion against the start's for the same
 * held-out prompt (ties count half), and the KL to the reference (the start) of the aligned model's samples.
 *
 * <p>Run {@code main} (docs/alignment.md has the command); {@code SimulatedRankersTest} runs a reduced version.
 */
public final class SimulatedRankers {

    /** Token 0 ends a completion; 1..7 are content. */
    public static final int VOCAB = 8;
    /** The stop token. */
    public static final int STOP = 0;
    /** Tokens the gold reward favours. */
    public static final int[] FAVOURED = {3, 5};
    /** Longest completion, stop token included. */
    public static final int MAX_NEW = 8;

    /**
     * Sizes of one run.
     *
     * @param sftSteps      supervised fine-tuning steps of the start model
     * @param rankings      rankings collected for the reward model (K = 4 completions each)
     * @param noise         standard deviation of the rankers' noise on the gold reward
     * @param rewardEpochs  passes of reward-model training
     * @param ppoUpdates    PPO updates of 16 prompts
     * @param dpoEpochs     passes of DPO over the rankings' pairs
     * @param evalPrompts   held-out prompts for the win rate
     */
    public record Settings(int sftSteps, int rankings, double noise, int rewardEpochs, int ppoUpdates, int dpoEpochs,
                           int evalPrompts) {
        /** The documented experiment. */
        public static final Settings FULL = new Settings(300, 300, 0.3, 3, 80, 3, 300);
        /** A smaller run for the test suite. */
        public static final Settings REDUCED = new Settings(150, 100, 0.3, 2, 30, 2, 150);
    }

    /**
     * What one seed measured.
     *
     * @param rewardModel held-out ranking metrics of the reward model
     * @param ppoWinRate  gold win rate of PPO's samples against the start's
     * @param ppoKl       mean Σ log π/π_ref of PPO's samples (nats per completion)
     * @param dpoWinRate  gold win rate of DPO's samples against the start's
     * @param dpoKl       the same KL for DPO
     * @param startGold   mean gold reward of the start's samples
     * @param ppoGold     mean gold reward of PPO's samples
     * @param dpoGold     mean gold reward of DPO's samples
     */
    public record Outcome(RankingMetrics rewardModel, double ppoWinRate, double ppoKl, double dpoWinRate, double dpoKl,
                          double startGold, double ppoGold, double dpoGold) {
    }

    /** Gold reward: +1 if the content length is 2 to 4 tokens, +0.5 per favoured token (at most 3 counted). */
    public static double gold(int[] completion) {
        int content = 0;
        int favoured = 0;
        for (int t : completion) {
            if (t == STOP) {
                break;
            }
            content++;
            for (int f : FAVOURED) {
                favoured += t == f ? 1 : 0;
            }
        }
        return (content >= 2 && content <= 4 ? 1 : 0) + 0.5 * Math.min(favoured, 3);
    }

    private final Settings settings;
    private final long seed;
    private final Rng rng;
    private final Sampler sampler = new Sampler(MAX_NEW, 1.0, STOP);

    /** One run with these sizes and seed. */
    public SimulatedRankers(Settings settings, long seed) {
        this.settings = settings;
        this.seed = seed;
        this.rng = new Rng(seed);
    }

    private Gpt newModel(long modelSeed) {
        Attention attention = ServiceComponents.create(ComponentKind.ATTENTION, "standard", Attention.class, Map.of());
        PositionalEncoding positional = ServiceComponents.create(ComponentKind.POSITIONAL_ENCODING, "learned",
                PositionalEncoding.class, Map.of());
        return new Gpt(GptConfig.nanoGpt(VOCAB, 2 + MAX_NEW, 2, 2, 32), attention, positional, List.of(), modelSeed);
    }

    private Gpt copy(Gpt model) {
        Gpt copy = newModel(seed + 99);
        Map<String, float[]> weights = new LinkedHashMap<>();
        model.stateDict().forEach((name, tensor) -> weights.put(name, tensor.data().clone()));
        copy.loadStateDict(weights);
        return copy;
    }

    private int[] prompt() {
        return new int[] {1 + rng.nextInt(VOCAB - 1), 1 + rng.nextInt(VOCAB - 1)};
    }

    /**
     * The fine-tuned start: trained on prompt → completion pairs whose completions have 1 to 7 uniform content
     * tokens then the stop token (loss on completion tokens only), so it produces every length and token.
     */
    private Gpt fineTunedStart() {
        Gpt model = newModel(seed);
        Optimizer optimizer = ExactOracle.adamw(3e-3).create(model.optimizerGroups());
        int batch = 16;
        int time = 2 + MAX_NEW;
        for (int step = 0; step < settings.sftSteps(); step++) {
            int[] tokens = new int[batch * time];
            int[] targets = new int[batch * time];
            java.util.Arrays.fill(targets, Gpt.IGNORE_INDEX);
            for (int b = 0; b < batch; b++) {
                int[] prompt = prompt();
                int length = 1 + rng.nextInt(MAX_NEW - 1);
                int[] sequence = new int[time];
                sequence[0] = prompt[0];
                sequence[1] = prompt[1];
                for (int j = 0; j < length; j++) {
                    sequence[2 + j] = 1 + rng.nextInt(VOCAB - 1);
                }
                sequence[2 + length] = STOP;
                System.arraycopy(sequence, 0, tokens, b * time, time);
                // Position t − 1 predicts token t: the loss covers the completion tokens and the stop token.
                for (int t = 2; t <= 2 + length; t++) {
                    targets[b * time + t - 1] = sequence[t];
                }
            }
            optimizer.zeroGrad();
            model.loss(tokens, targets, batch, time, new TrainingContext(true, step, rng), 0f).backward();
            optimizer.step();
        }
        return model;
    }

    /** K = 4 completions of a prompt sampled from {@code model}, ordered by gold reward plus noise. */
    private TokenRanking rank(Gpt model, int[] prompt) {
        List<int[]> completions = new ArrayList<>(sampler.sample(new GptPolicy(model), prompt, 4, rng));
        Map<int[], Double> noisy = new IdentityHashMap<>();
        for (int[] c : completions) {
            noisy.put(c, gold(c) + settings.noise() * rng.nextGaussian());
        }
        completions.sort(Comparator.comparingDouble((int[] c) -> noisy.get(c)).reversed());
        return new TokenRanking(prompt, completions);
    }

    /** Runs the chain and measures. */
    public Outcome run() {
        Gpt start = fineTunedStart();
        List<TokenRanking> rankings = new ArrayList<>();
        for (int i = 0; i < settings.rankings(); i++) {
            rankings.add(rank(start, prompt()));
        }
        int heldOut = rankings.size() / 5;
        List<TokenRanking> train = rankings.subList(heldOut, rankings.size());

        RewardModel rewardModel = new RewardModel(copy(start), seed + 5);
        Optimizer rmOptimizer = ExactOracle.adamw(3e-3).create(rewardModel.optimizerGroups());
        for (int epoch = 0; epoch < settings.rewardEpochs(); epoch++) {
            for (int i = 0; i < train.size(); i += 8) {
                rewardModel.trainStep(train.subList(i, Math.min(train.size(), i + 8)), rmOptimizer, rng);
            }
        }
        RankingMetrics rm = rewardModel.evaluate(rankings.subList(0, heldOut));

        Gpt ppoPolicy = copy(start);
        PpoOptions ppoOptions = new PpoOptions(0.2, 1.0, 0.95, 0.2, 0.1, 4, 2, 2, MAX_NEW, 1.0, STOP, true);
        AlignmentRun ppo = start(new Ppo(ppoOptions), ppoPolicy, start, rewardModel, 3e-3);
        for (int u = 0; u < settings.ppoUpdates(); u++) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                prompts.add(prompt());
            }
            ppo.update(AlignmentBatch.ofPrompts(prompts));
        }

        Gpt dpoPolicy = copy(start);
        AlignmentRun dpo = start(new Dpo(new DpoOptions(0.1)), dpoPolicy, start, null, 2e-3);
        List<PreferencePair> pairs = new ArrayList<>();
        for (TokenRanking r : train) {
            for (int i = 0; i < r.completions().size(); i++) {
                for (int j = i + 1; j < r.completions().size(); j++) {
                    pairs.add(new PreferencePair(r.prompt(), r.completions().get(i), r.completions().get(j)));
                }
            }
        }
        for (int epoch = 0; epoch < settings.dpoEpochs(); epoch++) {
            java.util.Collections.shuffle(pairs, rng);
            for (int i = 0; i < pairs.size(); i += 32) {
                dpo.update(AlignmentBatch.ofPreferences(pairs.subList(i, Math.min(pairs.size(), i + 32))));
            }
        }

        double[] ppoEval = compare(ppoPolicy, start);
        double[] dpoEval = compare(dpoPolicy, start);
        return new Outcome(rm, ppoEval[0], ppoEval[1], dpoEval[0], dpoEval[1], ppoEval[2], ppoEval[3], dpoEval[3]);
    }

    private AlignmentRun start(AlignmentMethod method, Gpt policy, Gpt reference, AlignmentReward reward, double lr) {
        return method.start(new AlignmentContext(new GptPolicy(policy), reference, policy.optimizerGroups(),
                ExactOracle.adamw(lr), reward, new Rng(seed + 17)));
    }

    /** {win rate, KL to the start, mean gold of start, mean gold of aligned} on fresh held-out prompts. */
    private double[] compare(Gpt aligned, Gpt start) {
        Rng eval = new Rng(seed + 4242);
        double wins = 0;
        double kl = 0;
        double goldStart = 0;
        double goldAligned = 0;
        for (int i = 0; i < settings.evalPrompts(); i++) {
            int[] prompt = {1 + eval.nextInt(VOCAB - 1), 1 + eval.nextInt(VOCAB - 1)};
            int[] a = sampler.sample(new GptPolicy(aligned), prompt, 1, eval).getFirst();
            int[] s = sampler.sample(new GptPolicy(start), prompt, 1, eval).getFirst();
            double ga = gold(a);
            double gs = gold(s);
            wins += ga > gs ? 1 : ga == gs ? 0.5 : 0;
            goldStart += gs;
            goldAligned += ga;
            try (var noGrad = Grad.disabled()) {
                SequenceBatch batch = SequenceBatch.of(List.of(prompt), List.of(a));
                TrainingContext ctx = new TrainingContext(false, 0, eval);
                kl += LogProbs.sequences(aligned, batch, ctx).item() - LogProbs.sequences(start, batch, ctx).item();
            }
        }
        int n = settings.evalPrompts();
        return new double[] {wins / n, kl / n, goldStart / n, goldAligned / n};
    }

    /**
     * Runs the full experiment on seeds 1, 2, 3 and prints each seed's numbers.
     *
     * @param args optional: {@code reduced} for the test-sized run
     */
    public static void main(String[] args) {
        Settings settings = args.length > 0 && args[0].equals("reduced") ? Settings.REDUCED : Settings.FULL;
        for (long seed = 1; seed <= 3; seed++) {
            long t0 = System.nanoTime();
            Outcome o = new SimulatedRankers(settings, seed).run();
            System.out.printf(Locale.ROOT, "seed %d  RM held-out accuracy %.3f margin %.2f  |  gold: start %.3f"
                            + "  PPO %.3f (win %.3f, KL %.3f)  DPO %.3f (win %.3f, KL %.3f)  [%.0fs]%n", seed,
                    o.rewardModel().accuracy(), o.rewardModel().margin(), o.startGold(), o.ppoGold(), o.ppoWinRate(),
                    o.ppoKl(), o.dpoGold(), o.dpoWinRate(), o.dpoKl(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
