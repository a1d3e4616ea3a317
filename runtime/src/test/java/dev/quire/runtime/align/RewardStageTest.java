package dev.quire.runtime.align;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.rlhf.RewardModel;
import dev.quire.rlhf.data.Ranking;
import dev.quire.runtime.Cli;
import dev.quire.runtime.demo.DemoAlignment;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.runtime.stages.RewardStage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code reward} stage after a tiny pretraining, on the demo's simulated rankings. */
class RewardStageTest {

    @TempDir
    Path dir;

    static String pipeline(String stages) {
        return """
                seed: 7
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 32, context: 64, attention: {id: standard}, positional: {id: learned}}
                optimizer: {id: adamw, lr: 3.0e-3}
                schedule: {id: constant}
                stages:
                  - pretrain: {steps: 10, batchSize: 8, evalInterval: 10, evalIterations: 2, checkpointInterval: 10}
                %s""".formatted(stages);
    }

    @Test
    void trainsOnRankingsAndSavesAModelThatLoadsBackExactly() throws IOException {
        List<Ranking> rankings = DemoAlignment.rankings(3, 80, 4, 0.0);
        Files.write(dir.resolve("rankings.jsonl"), rankings.stream().map(Ranking::toJsonLine).toList(),
                StandardCharsets.UTF_8);
        Path file = Cli.write(dir.resolve("p.yaml"), pipeline("""
                  - reward: {data: rankings.jsonl, steps: 20, batchSize: 4, learningRate: 3.0e-3, evalInterval: 10, validationFraction: 0.25}
                """));
        var result = Cli.run("run", file.toString(), "--threads", "1");
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("reward: ", "80 rankings (60 train with 360 pairs, 20 held out)",
                "held-out loss", "(start)");
        Path out = dir.resolve("out");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"reward\",\"step\":") && l.contains("\"accuracy\"")))
                .hasSize(20);
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"reward\"") && l.contains("\"val_accuracy\"")))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("\"val_pairs\":120"));

        try (var components = Discovery.discover(Optional.empty(), BuiltinStages.entries(new StageFactory()))) {
            RewardModel loaded = RewardStage.load(out.resolve(RewardStage.MODEL_FILE), components.catalog());
            RewardModel again = RewardStage.load(out.resolve(RewardStage.MODEL_FILE), components.catalog());
            int[] prompt = {1, 2, 3};
            List<int[]> completions = List.of(new int[] {4, 5}, new int[] {6});
            double[] a = loaded.score(List.of(prompt, prompt), completions);
            assertThat(again.score(List.of(prompt, prompt), completions)).containsExactly(a);
            assertThat(a[0]).isNotEqualTo(a[1]);
        }
    }
}
