package dev.quire.runtime.bench;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.PositionalEncoding;
import dev.quire.model.CharTokenizer;
import dev.quire.model.CosineSchedule;
import dev.quire.model.CosineScheduleOptions;
import dev.quire.model.DataSplit;
import dev.quire.model.EvalReport;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Trainer;
import dev.quire.model.TrainerListener;
import dev.quire.model.TrainingConfig;
import dev.quire.model.TrainingResult;
import dev.quire.tensor.Parallel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * nanoGPT's Shakespeare-character CPU recipe, timed from the first step to the last evaluation: the Quire
 * side of {@code ../shared/anchors/torch_char_train.py}, which trains the same model the same way with
 * PyTorch. 4 layers, 4 heads, width 128, context 64, batch 12, no biases, exact GELU, tied head; AdamW
 * lr 1e-3 (betas 0.9/0.99, weight decay 0.1 on matrices), 100 warm-up steps then cosine decay to 1e-4 at
 * the last step, gradient clipping at 1.0; validation loss over 20 batches every 250 steps and at the end
 * (the anchor also evaluates before the first step, which Quire's trainer does not: 8 evaluations
 * against 9, each about 13 steps' worth of forward passes).
 */
public final class RecipeBenchmark {

    /** Characters of Tiny Shakespeare; the recipe's vocabulary is every distinct character. */
    private static final int EXPECTED_VOCABULARY = 65;

    private RecipeBenchmark() {
    }

    /**
     * Trains the recipe on {@code text} and reports the result.
     *
     * @param text     the corpus (Tiny Shakespeare: 90% training, 10% validation, as the anchor splits it)
     * @param steps    optimizer steps (the recipe: 2000; the cosine schedule decays over them)
     * @param create   makes a component from the catalog by kind and id, with option overrides
     * @param log      receives one line per evaluation ({@code iter 250: train 2.0 val 2.1 elapsed 5.2s})
     * @return in printing order: {@code recipe, steps, threads, params, vocab, train_loss, val_loss,
     *         wall_seconds, step_ms, tokens_per_sec, evaluations, peak_rss_bytes}
     */
    public static Map<String, Object> run(String text, int steps, ComponentFactory create, Consumer<String> log) {
        if (steps < 1) {
            throw new IllegalArgumentException("recipe: steps must be at least 1, got " + steps);
        }
        CharTokenizer tokenizer = CharTokenizer.train(text);
        DataSplit data = DataSplit.of(tokenizer.encode(text), 0.9);
        GptConfig shape = GptConfig.shakespeareCharCpu(tokenizer.vocabSize());
        Gpt model = new Gpt(shape,
                create.create(ComponentKind.ATTENTION, "standard", Map.of(), Attention.class),
                create.create(ComponentKind.POSITIONAL_ENCODING, "learned", Map.of(), PositionalEncoding.class),
                List.of(), 1337);
        Optimizer optimizer = create.create(ComponentKind.OPTIMIZER, "adamw",
                        Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.99, "eps", 1e-8, "weightDecay", 0.1),
                        OptimizerFactory.class)
                .create(model.optimizerGroups());
        TrainingConfig recipe = TrainingConfig.shakespeareCharCpu();
        TrainingConfig config = new TrainingConfig(steps, recipe.batchSize(), recipe.contextLength(),
                recipe.learningRate(), recipe.evalInterval(), recipe.evalIterations(), 0f, recipe.gradClip(),
                recipe.seed());
        var schedule = new CosineSchedule(new CosineScheduleOptions(Math.min(100, steps), steps, 1e-4));

        long start = System.nanoTime();
        int[] evaluations = {0};
        Trainer trainer = new Trainer(model, optimizer, schedule, config, data).addListener(new TrainerListener() {
            @Override
            public void afterEval(Trainer t, EvalReport r) {
                evaluations[0]++;
                log.accept(String.format(Locale.ROOT, "iter %d: train %.4f val %.4f elapsed %.1fs", r.step(),
                        r.trainLoss(), r.validationLoss(), (System.nanoTime() - start) / 1e9));
            }
        });
        TrainingResult result = trainer.run();
        double seconds = (System.nanoTime() - start) / 1e9;

        var out = new LinkedHashMap<String, Object>();
        out.put("recipe", "shakespeare-char-cpu");
        out.put("steps", result.steps());
        out.put("threads", Parallel.threads());
        out.put("params", model.parameterCount());
        out.put("vocab", tokenizer.vocabSize());
        out.put("train_loss", round(result.lastEvaluation().trainLoss(), 4));
        out.put("val_loss", round(result.lastEvaluation().validationLoss(), 4));
        out.put("wall_seconds", round(seconds, 2));
        out.put("step_ms", round(1000 * seconds / result.steps(), 2));
        out.put("tokens_per_sec", round(result.steps() * config.tokensPerStep() / seconds, 1));
        out.put("evaluations", evaluations[0]);
        long rss = TrainBenchmark.peakRssBytes();
        out.put("peak_rss_bytes", rss < 0 ? null : rss);
        if (tokenizer.vocabSize() != EXPECTED_VOCABULARY) {
            log.accept("note: " + tokenizer.vocabSize() + " distinct characters, not Tiny Shakespeare's "
                    + EXPECTED_VOCABULARY + ": the figures are not comparable with the recipe's");
        }
        return out;
    }

    /** Makes a component of a kind by id, with some of its options changed (by option name). */
    @FunctionalInterface
    public interface ComponentFactory {
        <T> T create(ComponentKind kind, String id, Map<String, Object> options, Class<T> type);
    }

    /** One line for people, from {@link #run}'s result. */
    public static String describe(Map<String, Object> r) {
        return String.format(Locale.ROOT, "bench recipe: val loss %s after %s steps in %s s (%s ms/step, %s threads, %,d parameters)",
                r.get("val_loss"), r.get("steps"), r.get("wall_seconds"), r.get("step_ms"), r.get("threads"),
                (Long) r.get("params"));
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
