package dev.quire.runtime.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the {@code finetune} stage: exit status 2 and a message on standard error that names
 * the file, the line or key, and what was expected. One tiny pretrained checkpoint serves every case.
 */
class FinetuneBadInputTest {

    @TempDir
    static Path shared;

    static Path checkpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void pretrain() throws IOException {
        // The run's checkpoint records every stage's options, the finetune stage's LoRA options among them,
        // and each later test binds them again when it reads the checkpoint.
        Cli.write(shared.resolve("sft.jsonl"), GOOD.repeat(4));
        Path file = Cli.write(shared.resolve("pretrain.yaml"), """
                seed: 3
                output: base
                data: {builtin: demo, chars: 5000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 16, context: 16}
                optimizer: {id: adamw, lr: 3.0e-3}
                schedule: {id: constant}
                stages:
                  - pretrain: {steps: 2, batchSize: 2, evalInterval: 2, evalIterations: 1}
                  - finetune: {data: sft.jsonl, steps: 1, batchSize: 2, lora: {rank: 2}}
                """);
        Cli.Result result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        checkpoint = shared.resolve("base/checkpoint-latest.pb");
    }

    /** A pipeline of one finetune stage starting from the shared checkpoint. */
    private Path pipeline(String finetune) throws IOException {
        return Cli.write(dir.resolve("pipeline.yaml"), """
                seed: 3
                output: out
                data: {builtin: demo}
                optimizer: {id: adamw, lr: 1.0e-3}
                stages:
                  - finetune: %s
                """.formatted(finetune.replace("CHECKPOINT", "\"" + checkpoint + "\"")));
    }

    private Cli.Result assertBadInput(Path pipeline, String... fragments) {
        Cli.Result result = Cli.run("run", pipeline.toString());
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString()).contains(fragments);
        assertThat(result.err()).as("no stack trace").doesNotContain("\tat dev.quire");
        assertThat(dir.resolve("out/finetune-model.pb")).as("no model written").doesNotExist();
        return result;
    }

    private void data(String text) throws IOException {
        Cli.write(dir.resolve("sft.jsonl"), text);
    }

    private static final String GOOD = "{\"prompt\": \"the fox \", \"completion\": \"ran.\"}\n";

    @Test
    void aMalformedLineNamesTheFileAndTheLine() throws IOException {
        data(GOOD + GOOD + "{\"prompt\": \"the fox \"}\n" + GOOD);
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1}"),
                "sft.jsonl line 3: missing key \"completion\"");

        data(GOOD + "{\"prompt\": \"the fox \", \"completion\": 42}\n");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1}"),
                "sft.jsonl line 2: \"completion\" must be a string, found a number 42");

        data(GOOD + GOOD + GOOD + "{\"prompt\": \"the fox \" \"completion\": \"ran.\"}\n");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1}"),
                "sft.jsonl line 4: invalid JSON at column 23 ($): expected ',' or '}'");
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes(GOOD.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'"', (byte) 0xFF, '"', '\n'});
        Files.write(dir.resolve("sft.jsonl"), bytes.toByteArray());
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1}"),
                "sft.jsonl line 2: invalid UTF-8");
    }

    @Test
    void textTheTokenizerCannotEncodeNamesTheLine() throws IOException {
        data(GOOD + "{\"prompt\": \"the fox \", \"completion\": \"ran \u4e2d.\"}\n");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1}"),
                "sft.jsonl line 2: the tokenizer cannot encode it");
    }

    @Test
    void aFreezePatternThatMatchesNothingIsAClearError() throws IOException {
        data(GOOD.repeat(4));
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1, freeze: [\"transformer.h.5.*\"]}"),
                "freeze pattern 'transformer.h.5.*' matches no parameter; the model's parameters are "
                        + "transformer.wte.weight, transformer.wpe.weight");
    }

    @Test
    void badLoraSettingsAreRejected() throws IOException {
        data(GOOD.repeat(4));
        // Before anything runs: at the block of the pipeline file.
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, lora: {rank: 0}}"),
                "pipeline.yaml", "line 6", "lora rank must be at least 1, got 0");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, lora: {rank: -4, alpha: 8}}"),
                "lora rank must be at least 1, got -4");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, lora: {alpha: 8}}"),
                "lora needs a rank");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, lora: {rank: 2, alpha: 0}}"),
                "lora alpha must be a number > 0, got 0.0");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, lora: {rank: 2, ranks: 3}}"),
                "ranks");
        // At the model: a target that names no linear layer.
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl, steps: 1, lora: {rank: 2, targets: [attn.q_proj]}}"),
                "LoRA target 'attn.q_proj' matches no linear layer; the layers are transformer.h.0.attn.c_attn");
    }

    @Test
    void missingDataOrCheckpointIsAClearError() throws IOException {
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, steps: 1}"), "has no data: set data: to a JSON-lines file");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: nowhere.jsonl}"), "nowhere.jsonl does not exist");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, builtin: shakespeare}"),
                "pipeline.yaml", "builtin must be 'demo' (or left out for a data file), got 'shakespeare'");
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, builtin: demo, data: nowhere.jsonl}"),
                "give either data (a file) or builtin, not both");
        data(GOOD.repeat(4));
        assertBadInput(pipeline("{checkpoint: missing.pb, data: sft.jsonl}"), "missing.pb does not exist");
        // No checkpoint and no earlier stage: refused before anything runs, naming the file it looked for.
        assertBadInput(pipeline("{data: sft.jsonl}"), "needs a model, but no pretrain stage comes before it",
                "checkpoint-latest.pb does not exist");
        data(GOOD);
        assertBadInput(pipeline("{checkpoint: CHECKPOINT, data: sft.jsonl}"), "at least 2 examples");
    }
}
