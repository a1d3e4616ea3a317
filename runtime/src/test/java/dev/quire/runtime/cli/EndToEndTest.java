package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire run} on a tiny pipeline, then {@code generate}, {@code --resume}, {@code demo} and {@code bench}. */
class EndToEndTest {

    @TempDir
    Path dir;

    @Test
    void runWritesMetricsAndCheckpointsThenGenerateSamplesFromThem() throws IOException {
        Path file = Cli.write(dir.resolve("tiny.yaml"), Cli.tinyPipeline("{id: adamw, lr: 3.0e-3}", 30));
        var result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        Path out = dir.resolve("out");
        assertThat(out.resolve("checkpoint-latest.pb")).isRegularFile();
        assertThat(out.resolve("checkpoint-best.pb")).isRegularFile();
        assertThat(out.resolve("pipeline.yaml")).hasContent(Files.readString(file));
        assertThat(out.resolve("samples.txt")).content().startsWith("The ");

        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(metrics).allSatisfy(line -> assertThat(line).startsWith("{\"stage\":\"").endsWith("}"));
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"pretrain\",\"step\":") && l.contains("\"loss\"")))
                .hasSize(30);
        assertThat(metrics).anySatisfy(l -> assertThat(l).contains("\"val_loss\"", "\"val_bpc\""));
        assertThat(metrics).anySatisfy(l -> assertThat(l).startsWith("{\"stage\":\"evaluate\""));
        // Metrics never go to standard output.
        assertThat(result.out()).doesNotContain("{\"stage\"");
        assertThat(result.out()).contains("step    10: train loss", "evaluate: validation loss", "--- sample 1 of 1");

        var header = Checkpoints.read(out.resolve("checkpoint-latest.pb")).header();
        assertThat(header.getStep()).isEqualTo(30);
        assertThat(header.getTokenizer().getFactoryId()).isEqualTo("char");
        assertThat(header.getComponentsList()).extracting(c -> c.getKind() + ":" + c.getId())
                .contains("tokenizer:char", "attention:standard", "positional:learned", "optimizer:adamw",
                        "schedule:constant", "stage:pretrain", "stage:evaluate", "stage:sample");

        var generated = Cli.run("generate", "--checkpoint", out.resolve("checkpoint-latest.pb").toString(),
                "--prompt", "Once", "--tokens", "40", "--seed", "3");
        assertThat(generated.status()).as(generated.toString()).isZero();
        assertThat(generated.out()).startsWith("Once");
        assertThat(generated.out().strip().length()).isGreaterThanOrEqualTo(4 + 20);
        var again = Cli.run("generate", "--checkpoint", out.resolve("checkpoint-latest.pb").toString(),
                "--prompt", "Once", "--tokens", "40", "--seed", "3");
        assertThat(again.out()).as("same seed, same text").isEqualTo(generated.out());

        // Running again into the same directory without --resume is refused and changes nothing.
        long size = Files.size(out.resolve("metrics.jsonl"));
        var refused = Cli.run("run", file.toString());
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("already holds a run", "--resume");
        assertThat(Files.size(out.resolve("metrics.jsonl"))).isEqualTo(size);

        // A prompt the character tokenizer cannot encode is bad input.
        var unknown = Cli.run("generate", "--checkpoint", out.resolve("checkpoint-latest.pb").toString(),
                "--prompt", "\u263A", "--tokens", "5");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("cannot encode the prompt");
    }

    @Test
    void resumingGivesTheSameWeightsAsAnUninterruptedRun() throws IOException {
        Path straight = Cli.write(dir.resolve("a/p.yaml"), Cli.tinyPipeline("{id: adamw, lr: 3.0e-3}", 20)
                .replace("  - evaluate: {maxBatches: 4}\n", "").replace("  - sample: {prompt: \"The \", tokens: 24, temperature: 0.8, topK: 10}\n", ""));
        assertThat(Cli.run("run", straight.toString()).status()).isZero();

        Path first = Cli.write(dir.resolve("b/p.yaml"), Files.readString(straight).replace("steps: 20", "steps: 10"));
        assertThat(Cli.run("run", first.toString()).status()).isZero();
        Path second = Cli.write(dir.resolve("b/p.yaml"), Files.readString(straight));
        var resumed = Cli.run("run", second.toString(), "--resume");
        assertThat(resumed.status()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("resuming", "at step 10 of 20");

        var a = Checkpoints.read(dir.resolve("a/out/checkpoint-latest.pb"));
        var b = Checkpoints.read(dir.resolve("b/out/checkpoint-latest.pb"));
        assertThat(b.header().getStep()).isEqualTo(20);
        assertThat(b.tensors().keySet()).isEqualTo(a.tensors().keySet());
        a.tensors().forEach((name, tensor) ->
                assertThat(b.tensors().get(name).data()).as(name).isEqualTo(tensor.data()));
        assertThat(b.header().getRngState()).isEqualTo(a.header().getRngState());
    }

    @Test
    void demoRunsTheBuiltInPipeline() {
        Path out = dir.resolve("demo");
        var result = Cli.run("demo", "--steps", "4", "--output", out.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("pretrain: corpus builtin demo", "evaluate: validation loss", "--- sample 1 of 1");
        assertThat(out.resolve("checkpoint-latest.pb")).isRegularFile();
        assertThat(result.err()).contains("pretrain [", "ETA");
    }

    @Test
    void demoPipelineIsShown() {
        var result = Cli.run("demo", "--show-pipeline", "--steps", "600");
        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("steps: 600", "builtin: demo");
    }

    @Test
    void benchTrainEndsWithAJsonLine() {
        var result = Cli.run("bench", "train", "--preset", "tiny", "--steps", "2", "--warmup", "1");
        assertThat(result.status()).as(result.toString()).isZero();
        String json = result.lastOutLine();
        assertThat(json).startsWith("{").endsWith("}")
                .contains("\"tokens_per_sec\":", "\"step_ms\":", "\"params\":", "\"threads\":", "\"preset\":\"tiny\"",
                        "\"steps\":2", "\"peak_rss_bytes\":");
        var unknown = Cli.run("bench", "train", "--preset", "huge");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown preset 'huge'");
    }
}
