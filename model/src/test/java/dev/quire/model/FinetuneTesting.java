package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared fixtures of the fine-tuning tests: a tiny model and a string-reversal task. */
final class FinetuneTesting {

    private FinetuneTesting() {
    }

    /** Letters, the separator and the end mark of the reversal task. */
    static final CharTokenizer TOKENIZER = CharTokenizer.train("abcdef=.");
    /** 2 layers, width 16, 2 heads, context 16, with biases (so LoRA and freezing meet biases too). */
    static final GptConfig CONFIG = new GptConfig(TOKENIZER.vocabSize(), 16, 2, 2, 16, true, true,
            Tensor.Gelu.EXACT, 1e-5f);

    static Gpt model(long seed) {
        return new Gpt(CONFIG, Fixtures.attention(), Fixtures.learned(), List.of(), seed);
    }

    /** {@code count} examples "abc=" -> "cba.", random letters, length 2 to 5. */
    static List<PromptCompletion> reversals(int count, long seed) {
        Rng rng = new Rng(seed);
        List<PromptCompletion> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 2 + rng.nextInt(4);
            var word = new StringBuilder();
            for (int j = 0; j < length; j++) {
                word.append((char) ('a' + rng.nextInt(6)));
            }
            examples.add(new PromptCompletion(word + "=", word.reverse() + ".", "example " + (i + 1)));
        }
        return examples;
    }

    static FinetuneData reversalData(int count, long seed) {
        return FinetuneData.split(PromptCompletionTokens.encodeAll(reversals(count, seed), TOKENIZER,
                CONFIG.contextLength()), 0.25, seed);
    }

    /** AdamW with weight decay 0.1 over the model's optimizer groups (frozen tensors left out). */
    static Optimizer adamw(Gpt model) {
        OptimizerFactory adamw = Fixtures.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("weightDecay", 0.1));
        return adamw.create(model.optimizerGroups());
    }

    static Finetuner finetuner(Gpt model, FinetuneData data, int steps, double learningRate) {
        return new Finetuner(model, adamw(model), ConstantScheduleProvider.CONSTANT,
                new FinetuneConfig(steps, 8, learningRate, steps, 64, 0f, 1.0, 3), data);
    }

    /** Copies of every parameter's values, by name. */
    static Map<String, float[]> snapshot(Gpt model) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        model.parameters().forEach(p -> copy.put(p.name(), p.value().data().clone()));
        return copy;
    }

    /** Logits of a fixed batch of two sequences, without gradients. */
    static float[] logits(Gpt model) {
        int[] tokens = TOKENIZER.encode("abcdef=fedcba.ab" + "cab=bac.fed=def.");
        try (var noGrad = Grad.disabled()) {
            return model.logits(tokens, 2, 16, new dev.quire.api.TrainingContext(false, 0, new Rng(0))).data().clone();
        }
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
