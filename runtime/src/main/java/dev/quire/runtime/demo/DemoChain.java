package dev.quire.runtime.demo;

import dev.quire.api.Tokenizer;
import dev.quire.json.Json;
import dev.quire.model.Generator;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.model.SamplingConfig;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.stages.AlignStage;
import dev.quire.runtime.stages.RewardStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code quire demo --chain}: after the demo's pretraining, fine-tune on generated prompt/completion pairs and
 * align with DPO on rankings by a simulated person ({@link DemoAlignment}), then compare the fine-tuned and
 * the aligned model by that person's gold reward on prompts neither saw.
 */
public final class DemoChain {

    /** Fine-tuning steps of the chain. */
    public static final int FINETUNE_STEPS = 150;
    /** DPO updates of the chain. */
    public static final int ALIGN_STEPS = 100;
    /** DPO's learning rate in the chain. */
    public static final double ALIGN_LEARNING_RATE = 1.0e-4;
    /** DPO's β in the chain. */
    public static final double BETA = 0.1;
    /** Fine-tuning examples generated. */
    public static final int EXAMPLES = 2000;
    /** Rankings generated (each gives C(K, 2) pairs). */
    public static final int RANKINGS = 500;
    /** Completions per ranking. */
    public static final int K = 4;
    /** Standard deviation of the simulated person's noise on the gold reward. */
    public static final double NOISE = 0.5;
    /** Seed of the generated data (the same files in every run). */
    public static final long DATA_SEED = 2026;
    /** Held-out prompts of the final comparison, by default. */
    public static final int COMPARE_PROMPTS = 64;
    /** Characters sampled per comparison completion (the gold reward reads the first line). */
    public static final int COMPARE_TOKENS = 56;

    private DemoChain() {
    }

    /** Where the chain's data files go: {@code <output>/demo-data}. */
    public static Path dataDirectory(Path output) {
        return output.resolve("demo-data");
    }

    /**
     * The demo pipeline with the chain's stages inserted before its {@code sample} stage: {@code finetune} on
     * {@code finetune.jsonl}, {@code align} (DPO) on {@code rankings.jsonl}, both in {@code data}; the sample
     * then shows the aligned model continuing a fable's opening.
     */
    public static String pipeline(String base, Path data, int finetuneSteps, int alignSteps, double learningRate,
                                  double beta) {
        int at = base.indexOf("  - sample:");
        if (at < 0) {
            throw new IllegalStateException("the demo pipeline has no sample stage to insert the chain before");
        }
        Path dir = data.toAbsolutePath();
        String stages = String.format(Locale.ROOT, """
                  - finetune: {data: %s, steps: %d, batchSize: 16, learningRate: 1.0e-3, evalInterval: %d, evalExamples: 100}
                  - align: {method: {id: dpo, beta: %s}, preferences: %s, steps: %d, batchSize: 16,
                            learningRate: %s, logInterval: %d}
                """, Json.quote(dir.resolve("finetune.jsonl").toString()), finetuneSteps,
                finetuneSteps < 3 ? finetuneSteps : finetuneSteps / 3,
                beta, Json.quote(dir.resolve("rankings.jsonl").toString()), alignSteps, learningRate,
                Math.max(1, alignSteps / 5));
        String sample = "  - sample: {prompt: \"Late at night, the wolf walked to the dark barn.\\n\", tokens: 120, "
                + "temperature: 0.8, topK: 40}\n";
        int end = base.indexOf('\n', at);
        return "# With --chain: the pretrained model is fine-tuned on generated prompt/completion pairs, then aligned\n"
                + "# with DPO on rankings by a simulated person (docs/alignment-data.md).\n"
                + base.substring(0, at) + stages + sample + (end < 0 ? "" : base.substring(end + 1));
    }

    /** Writes the chain's data files into {@code data}. */
    public static DemoAlignment.DataFiles writeData(Path data, Console console) {
        var files = DemoAlignment.write(data, DATA_SEED, EXAMPLES, RANKINGS, K, NOISE);
        console.note(String.format(Locale.ROOT, "quire: demo data in %s: %d fine-tuning examples, %d rankings of %d "
                + "(simulated person: gold reward + noise %.1f)", data, EXAMPLES, RANKINGS, K, NOISE));
        return files;
    }

    /**
     * The comparison of two models by the gold reward of their completions of the same held-out prompts.
     *
     * @param before  mean gold reward of the fine-tuned model's completions
     * @param after   mean gold reward of the aligned model's
     * @param winRate share of prompts where the aligned completion scores higher (ties count half)
     * @param prompts prompts compared
     */
    public record Comparison(double before, double after, double winRate, int prompts) {
    }

    /**
     * Samples one completion per held-out prompt from the fine-tuned model ({@code finetune-model.pb}) and from
     * the aligned one ({@code align-model.pb}) with the same random draws, scores both by the gold reward, and
     * says the result.
     */
    public static Comparison compare(Path output, ComponentCatalog catalog, int count, Console console) {
        Path finetuned = output.resolve("finetune-model.pb");
        Path aligned = output.resolve(AlignStage.MODEL_FILE);
        var before = RewardStage.restoreModel(finetuned, Checkpoints.read(finetuned), catalog);
        var after = RewardStage.restoreModel(aligned, Checkpoints.read(aligned), catalog);
        List<String> prompts = DemoAlignment.prompts(DATA_SEED + 100, count);
        List<String> first = sample(before.model(), before.tokenizer(), prompts);
        List<String> second = sample(after.model(), after.tokenizer(), prompts);
        double wins = 0;
        for (int i = 0; i < prompts.size(); i++) {
            double a = DemoAlignment.goldReward(first.get(i));
            double b = DemoAlignment.goldReward(second.get(i));
            wins += b > a ? 1 : b == a ? 0.5 : 0;
        }
        var result = new Comparison(DemoAlignment.meanGoldReward(first), DemoAlignment.meanGoldReward(second),
                wins / prompts.size(), prompts.size());
        console.say(String.format(Locale.ROOT, "demo: gold reward on %d new prompts: fine-tuned %.3f, aligned %.3f; "
                + "the aligned model wins %.0f%% of them", result.prompts(), result.before(), result.after(),
                100 * result.winRate()));
        console.say("demo: e.g. \"" + prompts.getFirst().strip() + "\" -> fine-tuned: \"" + firstLine(first.getFirst())
                + "\", aligned: \"" + firstLine(second.getFirst()) + "\"");
        return result;
    }

    /**
     * One completion per prompt at temperature 1, prompt i drawing from {@code Rng(i)} for either model; each
     * prompt cut to its last {@code context - COMPARE_TOKENS} tokens so that prompt and completion fit one
     * context window, as the DPO pairs were fitted during training.
     */
    static List<String> sample(Gpt model, Tokenizer tokenizer, List<String> prompts) {
        var out = new ArrayList<String>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            // Prompt + completion within one context window, as the DPO pairs were fitted in training: the
            // opening's last (context - COMPARE_TOKENS) tokens.
            int[] ids = tokenizer.encode(prompts.get(i));
            int keep = Math.max(1, model.contextLength() - COMPARE_TOKENS);
            if (ids.length > keep) {
                ids = java.util.Arrays.copyOfRange(ids, ids.length - keep, ids.length);
            }
            int[] generated = Generator.generate(model, ids, COMPARE_TOKENS, SamplingConfig.of(1.0), new Rng(i));
            out.add(tokenizer.decode(generated));
        }
        return out;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
