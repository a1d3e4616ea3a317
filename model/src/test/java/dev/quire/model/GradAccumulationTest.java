package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ComponentKind;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Parameter;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient accumulation: k micro-batches of B equal one batch of k·B, up to rounding. */
class GradAccumulationTest {

    private static final GptConfig CONFIG = new GptConfig(27, 16, 2, 2, 16, false, true, Tensor.Gelu.EXACT, 1e-5f);
    private static final CharTokenizer TOKENIZER = CharTokenizer.train("abcdefghijklmnopqrstuvwxyz ");
    private static final DataSplit DATA = DataSplit.of(TOKENIZER.encode(
            "the quick brown fox jumps over the lazy dog ".repeat(40)), 0.9);

    private static List<Parameter> train(TrainingConfig config) {
        Gpt model = new Gpt(CONFIG, Fixtures.attention(), Fixtures.learned(), List.of(), 1);
        OptimizerFactory adamw = Fixtures.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("weightDecay", 0.1));
        var trainer = new Trainer(model, adamw.create(model.optimizerGroups()),
                ConstantScheduleProvider.CONSTANT, config, DATA);
        trainer.run();
        return model.parameters();
    }

    @Test
    void fourMicroBatchesOfThreeEqualOneBatchOfTwelve() {
        // Three AdamW steps, no clipping; evaluation only after the last step.
        var big = new TrainingConfig(3, 12, 16, 3e-3, 100, 1, 0f, 0.0, 7);
        var micro = new TrainingConfig(3, 3, 16, 3e-3, 100, 1, 0f, 0.0, 7, 4);
        assertThat(micro.tokensPerStep()).isEqualTo(big.tokensPerStep());
        List<Parameter> a = train(big);
        List<Parameter> b = train(micro);
        List<Parameter> initial = new Gpt(CONFIG, Fixtures.attention(), Fixtures.learned(), List.of(), 1).parameters();
        // Relative to each tensor's scale: ||a − b|| / ||a|| and max |a − b| / max |a|, both within 1e-5
        // (an element that happens to pass near zero has no meaningful relative error of its own).
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).value().data();
            float[] y = b.get(i).value().data();
            float[] x0 = initial.get(i).value().data();
            double diff2 = 0;
            double norm2 = 0;
            double maxDiff = 0;
            double maxAbs = 0;
            boolean moved = false;
            for (int j = 0; j < x.length; j++) {
                double d = Math.abs((double) x[j] - y[j]);
                diff2 += d * d;
                norm2 += (double) x[j] * x[j];
                maxDiff = Math.max(maxDiff, d);
                maxAbs = Math.max(maxAbs, Math.abs(x[j]));
                moved |= x[j] != x0[j];
            }
            double relNorm = Math.sqrt(diff2 / norm2);
            double relMax = maxDiff / maxAbs;
            worst = Math.max(worst, Math.max(relNorm, relMax));
            assertThat(relNorm).as("%s: relative L2 difference", a.get(i).name()).isLessThanOrEqualTo(1e-5);
            assertThat(relMax).as("%s: largest difference over largest value", a.get(i).name()).isLessThanOrEqualTo(1e-5);
            assertThat(moved).as("%s was trained", a.get(i).name()).isTrue();
        }
        System.out.printf("gradient accumulation: worst relative difference %.3g%n", worst);
    }

    @Test
    void atLeastOneMicroBatch() {
        assertThatThrownBy(() -> new TrainingConfig(3, 3, 16, 3e-3, 100, 1, 0f, 0.0, 7, 0))
                .hasMessageContaining("gradAccumulation").hasMessageContaining("at least 1");
    }
}
