package dev.quire.runtime.ablation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ablation API on a budget small enough for every build: AdamW against plain SGD at the same
 * learning rate and step budget, over two seeds. (The over-fitting ablations of issue 6 — dropout and
 * weight decay narrowing the validation–training gap on 100 kB of Shakespeare over 3 seeds — need
 * thousands of steps: {@link OverfittingAblationTest}.)
 */
class AblationTest {

    @TempDir
    Path dir;

    private static final String BASE = """
            seed: 1
            output: out
            data: {builtin: demo, chars: 20000, validationFraction: 0.1}
            tokenizer: char
            model: {layers: 1, heads: 2, width: 32, context: 16}
            optimizer: {id: adamw, lr: 3.0e-3}
            schedule: constant
            stages:
              - pretrain: {steps: 1000, batchSize: 8, evalInterval: 10, evalIterations: 2, checkpointInterval: 0, keepBest: false}
            """;

    @Test
    void adamwBeatsPlainSgdWithinTheSameSteps() {
        Ablation.Result result = Ablation.of(BASE)
                .variation("adamw", Map.of())
                .variation("sgd", Map.of("optimizer", Map.of("id", "sgd", "lr", 3.0e-3)))
                .seeds(1, 2)
                .steps(30)
                .workDirectory(dir)
                .run();
        System.out.print(result.table());

        Ablation.Variation adamw = result.get("adamw");
        Ablation.Variation sgd = result.get("sgd");
        assertThat(adamw.metric("steps").mean()).isEqualTo(30);
        assertThat(adamw.runs()).hasSize(2);
        // Different seeds give different runs; the spread is the sample standard deviation over them.
        assertThat(adamw.metric("val_loss").values()[0]).isNotEqualTo(adamw.metric("val_loss").values()[1]);
        assertThat(adamw.metric("val_loss").std()).isPositive();
        // Believable: the gap between the means is many spreads wide.
        double margin = adamw.metric("val_loss").std() + sgd.metric("val_loss").std();
        assertThat(adamw.metric("val_loss").mean()).isLessThan(sgd.metric("val_loss").mean() - 3 * margin);
        assertThat(adamw.metric("gap").mean())
                .isCloseTo(adamw.metric("val_loss").mean() - adamw.metric("train_loss").mean(), within(1e-12));
    }

    @Test
    void statsAreMeanAndSampleStandardDeviation() {
        Ablation.Stats stats = Ablation.Stats.of(new double[] {1, 2, 3, 4});
        assertThat(stats.mean()).isEqualTo(2.5);
        assertThat(stats.std()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(stats.min()).isEqualTo(1);
        assertThat(stats.max()).isEqualTo(4);
        assertThat(Ablation.Stats.of(new double[] {7}).std()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void variationsChangeBlocksOptionsAndStageOptions() {
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("optimizer", "sgd");
        pipeline.put("stages", new ArrayList<>(List.of("tokenize", new LinkedHashMap<>(Map.of("pretrain",
                new LinkedHashMap<>(Map.of("steps", 10)))), "sample")));
        Ablation.set(pipeline, "optimizer.weightDecay", 0.1);
        Ablation.set(pipeline, "stages.pretrain.steps", 20);
        Ablation.set(pipeline, "stages.sample.tokens", 5);
        Ablation.set(pipeline, "regularizers", List.of(Map.of("id", "dropout")));
        assertThat(pipeline.get("optimizer")).isEqualTo(Map.of("id", "sgd", "weightDecay", 0.1));
        List<Object> stages = (List<Object>) pipeline.get("stages");
        assertThat(stages).containsExactly("tokenize", Map.of("pretrain", Map.of("steps", 20)),
                Map.of("sample", Map.of("tokens", 5)));
        assertThat(pipeline.get("regularizers")).isEqualTo(List.of(Map.of("id", "dropout")));
        Ablation.set(pipeline, "regularizers", null);
        assertThat(pipeline).doesNotContainKey("regularizers");
    }
}
