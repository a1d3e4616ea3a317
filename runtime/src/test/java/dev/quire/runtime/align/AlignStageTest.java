package dev.quire.runtime.align;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.ComponentKind;
import dev.quire.rlhf.data.Ranking;
import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.AlignOptions;
import dev.quire.runtime.demo.DemoAlignment;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.runtime.stages.AlignStage;
import dev.quire.runtime.stages.ModelBundle;
import dev.quire.runtime.stages.Models;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code align} stage after a tiny pretraining: DPO, PPO with a reward stage, and bad input. */
class AlignStageTest {

    @TempDir
    Path dir;

    static String pipeline(String output, int width, String stages) {
        return """
                seed: 7
                output: %s
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: %d, context: 64, attention: {id: standard}, positional: {id: learned}}
                optimizer: {id: adamw, lr: 3.0e-3}
                schedule: {id: constant}
                stages:
                  - pretrain: {steps: 4, batchSize: 4, evalInterval: 4, evalIterations: 1, checkpointInterval: 4}
                %s""".formatted(output, width, stages);
    }

    /** A pipeline of stages after training, starting from {@code base/checkpoint-latest.pb} of an earlier run. */
    static String afterTraining(String output, String stages) {
        return """
                seed: 7
                output: %s
                stages:
                %s""".formatted(output, stages);
    }

    @BeforeEach
    void writeRankings() throws IOException {
        List<Ranking> rankings = DemoAlignment.rankings(5, 12, 3, 0.5);
        Files.write(dir.resolve("rankings.jsonl"), rankings.stream().map(Ranking::toJsonLine).toList(),
                StandardCharsets.UTF_8);
    }

    private Cli.Result run(String name, String text) throws IOException {
        return Cli.run("run", Cli.write(dir.resolve(name), text).toString(), "--threads", "1");
    }

    @Test
    void dpoAndPpoLogTheirMetricsAndWriteTheAlignedModel() throws IOException {
        var dpo = run("dpo.yaml", pipeline("dpo", 32, """
                  - align: {method: {id: dpo, beta: 0.5}, preferences: rankings.jsonl, steps: 3, batchSize: 4, learningRate: 1.0e-3, logInterval: 1}
                """));
        assertThat(dpo.status()).as(dpo.toString()).isZero();
        // 12 rankings of 3: 36 pairs; the first update's loss is ln 2 (policy = reference).
        assertThat(dpo.out()).contains("align: method dpo {\"beta\":0.5}, 36 preference pairs", "step     1: loss 0.6931",
                "rewards/margins", "rewards/accuracies");
        assertThat(dir.resolve("dpo/align-model.pb")).isRegularFile();
        List<String> metrics = Files.readAllLines(dir.resolve("dpo/metrics.jsonl"));
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"align\",\"step\":"))).hasSize(3)
                .allSatisfy(l -> assertThat(l).contains("\"rewards/chosen\"", "\"lr\":0.001"));

        var generated = Cli.run("generate", "--checkpoint", dir.resolve("dpo/align-model.pb").toString(), "--prompt",
                "One", "--tokens", "5");
        assertThat(generated.status()).as(generated.toString()).isZero();
        // The checkpoints of a run with an align stage record its options, method included, and read them back.
        try (var components = Discovery.discover(Optional.empty(), BuiltinStages.entries(new StageFactory()))) {
            for (String which : List.of("latest", AlignStage.MODEL_FILE)) {
                ModelBundle bundle = which.equals("latest")
                        ? Models.fromCheckpoint(dir.resolve("dpo"), which, components.catalog())
                        : fromFile(dir.resolve("dpo").resolve(which), components.catalog());
                var align = (AlignOptions) bundle.components().stream()
                        .filter(c -> c.kind() == ComponentKind.STAGE && c.id().equals("align"))
                        .findFirst().orElseThrow().options();
                assertThat(align.method().id()).as(which).isEqualTo("dpo");
                assertThat(align.method().role()).as(which).isEqualTo("stages[1].align.method");
                assertThat(align.method().options().toString()).as(which).isEqualTo("DpoOptions[beta=0.5]");
                assertThat(align.steps()).as(which).isEqualTo(3);
            }
        }

        var ppo = run("ppo.yaml", pipeline("ppo", 32, """
                  - reward: {data: rankings.jsonl, steps: 2, batchSize: 2, validationFraction: 0}
                  - align: {method: {id: ppo, maxNewTokens: 6, epochs: 1}, preferences: rankings.jsonl, steps: 2, batchSize: 2, logInterval: 1}
                """));
        assertThat(ppo.status()).as(ppo.toString()).isZero();
        assertThat(ppo.out()).contains("align: method ppo", "12 prompts", "reward model of the reward stage");
        assertThat(Files.readAllLines(dir.resolve("ppo/metrics.jsonl")).stream()
                .filter(l -> l.startsWith("{\"stage\":\"align\",\"step\":"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"reward\"", "\"kl\""));
    }

    private static ModelBundle fromFile(Path file, ComponentCatalog catalog) {
        var restored = ModelCheckpoints.restore(file, Checkpoints.read(file), catalog);
        return new ModelBundle(restored.model(), restored.tokenizer(), restored.modelOptions(), restored.components(), 0);
    }

    @Test
    void badInputIsExitTwoNamingWhatIsWrong() throws IOException {
        // Two trained models of different widths; the other pipelines start from them without training.
        assertThat(run("base.yaml", pipeline("base", 32, "")).status()).isZero();
        assertThat(run("narrow.yaml", pipeline("narrow", 16, "")).status()).isZero();

        // A reference whose shapes differ from the policy's names the first parameter that differs.
        var mismatch = run("mismatch.yaml", afterTraining("mismatch", """
                  - align: {method: {id: dpo}, preferences: rankings.jsonl, checkpoint: base/checkpoint-latest.pb,
                            reference: narrow/checkpoint-latest.pb, steps: 1}
                """));
        assertThat(mismatch.status()).as(mismatch.toString()).isEqualTo(2);
        assertThat(mismatch.err()).contains("align: the reference checkpoint", "does not match the policy",
                "reference parameter transformer.wte.weight has shape [46, 16] but the policy's has [46, 32]");

        // An option the method does not have is refused when the file is read, before anything runs.
        var unknown = run("unknown.yaml", afterTraining("unknown", """
                  - align: {method: {id: dpo, groupSize: 4}, preferences: rankings.jsonl, checkpoint: base/checkpoint-latest.pb}
                """));
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown.yaml", "line 4", "unknown key 'groupSize'",
                "Allowed keys for alignment 'dpo'", ": beta, id");
        assertThat(dir.resolve("unknown")).doesNotExist();

        // PPO without a reward model.
        var noReward = run("noreward.yaml", afterTraining("noreward", """
                  - align: {method: {id: ppo, maxNewTokens: 4}, preferences: rankings.jsonl, checkpoint: base/checkpoint-latest.pb, steps: 1}
                """));
        assertThat(noReward.status()).isEqualTo(2);
        assertThat(noReward.err()).contains("method 'ppo' cannot start", "add a reward stage before align");

        // A malformed preferences line names the file and line.
        Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"}\n"
                + "{\"prompt\":\"a\",\"completions\":[\"b\",\"c\"],\"ranking\":[1,1]}\n");
        var bad = run("bad.yaml", afterTraining("bad", """
                  - align: {method: {id: dpo}, preferences: bad.jsonl, checkpoint: base/checkpoint-latest.pb, steps: 1}
                """));
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("bad.jsonl line 2: \"ranking\" [1, 1] is not a permutation of 0..1: index 1 appears twice");
    }
}
