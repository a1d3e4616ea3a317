package dev.quire.runtime.regularize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.model.CharTokenizer;
import dev.quire.model.DataSplit;
import dev.quire.model.EvalReport;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Trainer;
import dev.quire.model.TrainingConfig;
import dev.quire.runtime.Cli;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in regularizers as a pipeline finds them: dropout leaves evaluation alone, a full run works. */
class RegularizedRunTest {

    @TempDir
    Path dir;

    private static Object create(ComponentKind kind, String id) {
        for (ComponentProvider<?, ?> p : ServiceLoader.load(ComponentProvider.class)) {
            if (p.kind() == kind && p.id().equals(id)) {
                return p.createUnchecked(p.defaultOptions());
            }
        }
        throw new IllegalStateException("no " + kind + " " + id);
    }

    private static Gpt model(List<Regularizer> regularizers) {
        var config = new GptConfig(27, 16, 2, 2, 16, false, true, Tensor.Gelu.EXACT, 1e-5f);
        return new Gpt(config, (Attention) create(ComponentKind.ATTENTION, "standard"),
                (PositionalEncoding) create(ComponentKind.POSITIONAL_ENCODING, "learned"), regularizers, 1);
    }

    /** Evaluation (and generation, which runs the same forward pass with training false) ignores dropout. */
    @Test
    void evaluationIsIdenticalWithAndWithoutDropout() {
        Regularizer dropout = (Regularizer) create(ComponentKind.REGULARIZER, "dropout");
        Gpt plain = model(List.of());
        Gpt dropped = model(List.of(dropout));
        int[] tokens = new SplittableRandom(3).ints(2 * 16, 0, 27).toArray();
        try (var noGrad = Grad.disabled()) {
            float[] a = plain.logits(tokens, 2, 16, new TrainingContext(false, 0, new SplittableRandom(1))).data().clone();
            float[] b = dropped.logits(tokens, 2, 16, new TrainingContext(false, 0, new SplittableRandom(2))).data().clone();
            assertThat(b).containsExactly(a);
            // In training the same forward pass is changed by dropout (so the check above means something).
            float[] c = dropped.logits(tokens, 2, 16, new TrainingContext(true, 0, new SplittableRandom(2))).data();
            assertThat(c).isNotEqualTo(a);
        }
        var tokenizer = CharTokenizer.train("abcdefghijklmnopqrstuvwxyz ");
        var data = DataSplit.of(tokenizer.encode("the quick brown fox jumps over the lazy dog ".repeat(20)), 0.9);
        var training = new TrainingConfig(1, 4, 16, 1e-3, 1, 2, 0f, 1.0, 7);
        EvalReport withoutDropout = new Trainer(plain, sgd(plain), (step, total, base) -> base, training, data).evaluate();
        EvalReport withDropout = new Trainer(dropped, sgd(dropped), (step, total, base) -> base, training, data).evaluate();
        assertThat(withDropout).isEqualTo(withoutDropout);
    }

    private static dev.quire.api.Optimizer sgd(Gpt model) {
        var factory = (dev.quire.api.OptimizerFactory) create(ComponentKind.OPTIMIZER, "sgd");
        return factory.create(model.optimizerGroups());
    }

    /** Every built-in regularizer, a linear schedule and gradient accumulation in one short run. */
    @Test
    void aPipelineWithEveryRegularizerRuns() throws IOException {
        Path file = Cli.write(dir.resolve("pipeline.yaml"), """
                seed: 7
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 32, context: 16}
                regularizers:
                  - {id: dropout, embedding: 0.1, residual: 0.1}
                  - {id: l2, coefficient: 0.001}
                  - {id: label-smoothing, smoothing: 0.1}
                  - {id: clip-grad-norm, maxNorm: 1.0}
                  - {id: clip-grad-value, maxValue: 0.5}
                  - {id: early-stopping, patience: 1, minDelta: 10.0}
                optimizer: {id: adamw, lr: 3.0e-3}
                schedule: {id: linear, warmupSteps: 2, minLearningRate: 1.0e-4}
                stages:
                  - pretrain: {steps: 20, batchSize: 4, gradAccumulation: 2, evalInterval: 4, evalIterations: 1,
                               checkpointInterval: 0, gradClip: 0}
                """);
        Cli.Result result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        // minDelta 10 makes the second evaluation a failure to improve: early stopping at step 8.
        assertThat(result.out() + result.err()).contains("stopped early at step 8");
        assertThat(Files.readString(dir.resolve("out").resolve("metrics.jsonl"))).contains("\"step\":8");
        assertThat(dir.resolve("out").resolve("loss.png")).isNotEmptyFile();
    }
}
