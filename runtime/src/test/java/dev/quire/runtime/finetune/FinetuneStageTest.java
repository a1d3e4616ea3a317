package dev.quire.runtime.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.TrainingContext;
import dev.quire.model.Gpt;
import dev.quire.model.Lora;
import dev.quire.model.LoraConfig;
import dev.quire.model.Rng;
import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.stages.FinetuneCheckpoints;
import dev.quire.runtime.stages.FinetuneDemoData;
import dev.quire.tensor.Grad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire run} with a pretrain stage followed by a finetune stage, with LoRA and with freezing. */
class FinetuneStageTest {

    static Discovery.Components components;
    static ComponentCatalog catalog;

    @TempDir
    Path dir;

    @BeforeAll
    static void discover() {
        components = Discovery.discover(Optional.empty(), List.of());
        catalog = components.catalog();
    }

    @AfterAll
    static void close() {
        components.close();
    }

    /** Prompt/completion pairs in the demo corpus's alphabet: who found what. */
    static String sftLines() {
        String[] who = {"the fox", "the miller", "the king", "a young girl", "the wolf", "an owl", "the baker", "the queen"};
        String[] what = {"a silver key.", "some honey.", "a lantern.", "an apple.", "a letter.", "a map.", "a feather.", "an old coin."};
        var lines = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            lines.append("{\"prompt\": \"").append(who[i % who.length]).append(" found \", \"completion\": \"")
                    .append(what[(i * 3) % what.length]).append("\"}\n");
        }
        return lines.toString();
    }

    static String pipeline(String finetune) {
        return """
                seed: 7
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 32, context: 24, attention: {id: standard}, positional: {id: learned}}
                optimizer: {id: adamw, lr: 3.0e-3}
                schedule: {id: constant}
                stages:
                  - pretrain: {steps: 6, batchSize: 8, evalInterval: 6, evalIterations: 1}
                  - finetune: %s
                  - sample: {prompt: "the fox found ", tokens: 8, temperature: 0}
                """.formatted(finetune);
    }

    @Test
    void loraFineTuningSavesTheMergedModelAndTheAdaptersAlone() throws IOException {
        loraRun(true, "(merged into the model)");
    }

    /** Without merging, the saved files are the same kind (the model file merged for the save); the run goes on with adapters. */
    @Test
    void loraFineTuningWithoutMergingSavesTheSameKindOfFiles() throws IOException {
        loraRun(false, "(still attached)");
    }

    private void loraRun(boolean merge, String said) throws IOException {
        Cli.write(dir.resolve("sft.jsonl"), sftLines());
        Path file = Cli.write(dir.resolve("p.yaml"), pipeline(
                "{data: sft.jsonl, steps: 6, batchSize: 4, learningRate: 1.0e-2, evalInterval: 3, "
                        + "lora: {rank: 2, alpha: 4}, merge: " + merge + "}"));

        Cli.Result result = Cli.run("run", file.toString());

        assertThat(result.status()).as(result.toString()).isZero();
        Path out = dir.resolve("out");
        assertThat(result.out()).contains("finetune: ", "24 examples (22 train, 2 validation)",
                "LoRA on 2 layers", said, "--- sample 1 of 1");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"finetune\"") && l.contains("\"loss\"")))
                .hasSize(6);
        assertThat(metrics.stream().filter(l -> l.startsWith("{\"stage\":\"finetune\"") && l.contains("\"val_loss\"")))
                .hasSize(2);

        // The adapters file: exactly the four adapter tensors of the one layer's two attention projections.
        Checkpoint adapters = Checkpoints.read(FinetuneCheckpoints.adapters(out));
        assertThat(adapters.tensors().keySet()).containsExactlyInAnyOrder(
                "lora/transformer.h.0.attn.c_attn.lora_A", "lora/transformer.h.0.attn.c_attn.lora_B",
                "lora/transformer.h.0.attn.c_proj.lora_A", "lora/transformer.h.0.attn.c_proj.lora_B");
        assertThat(adapters.tensors().get("lora/transformer.h.0.attn.c_attn.lora_B").shape()).containsExactly(96, 2);
        assertThat(adapters.header().getMetadataMap()).containsEntry("kind", "lora-adapters")
                .containsEntry("lora.rank", "2").containsEntry("lora.alpha", "4.0");

        // The model file is a plain model: pretrain's weights plus the merged adapters.
        Path pretrained = out.resolve("checkpoint-latest.pb");
        Path finetuned = FinetuneCheckpoints.model(out);
        Gpt base = ModelCheckpoints.restore(pretrained, Checkpoints.read(pretrained), catalog).model();
        Gpt merged = ModelCheckpoints.restore(finetuned, Checkpoints.read(finetuned), catalog).model();
        assertThat(merged.stateDict().keySet()).containsExactlyElementsOf(base.stateDict().keySet());
        base.stateDict().forEach((name, tensor) -> {
            boolean adapted = name.equals("transformer.h.0.attn.c_attn.weight")
                    || name.equals("transformer.h.0.attn.c_proj.weight");
            if (adapted) {
                assertThat(merged.stateDict().get(name).data()).as(name).isNotEqualTo(tensor.data());
            } else {
                assertThat(merged.stateDict().get(name).data()).as(name + " was frozen").containsExactly(tensor.data());
            }
        });

        // Base + saved adapters computes what the merged model does.
        Lora.attach(base, new LoraConfig(2, 4, LoraConfig.DEFAULT_TARGETS, 7));
        Lora.loadAdapterState(base, FinetuneCheckpoints.readAdapters(FinetuneCheckpoints.adapters(out)));
        float[] withAdapters = logits(base);
        float[] fromMerged = logits(merged);
        double max = 0;
        for (int i = 0; i < withAdapters.length; i++) {
            max = Math.max(max, Math.abs(withAdapters[i] - fromMerged[i]));
        }
        assertThat(max).isLessThan(1e-5);
    }

    @Test
    void freezingKeepsTheFrozenTensorsOfThePretrainedModelBitForBit() throws IOException {
        // With the built-in data: the demo corpus's characters, which the pretrained tokenizer knows.
        Path file = Cli.write(dir.resolve("p.yaml"), pipeline(
                "{builtin: demo, steps: 3, batchSize: 4, learningRate: 1.0e-2, evalInterval: 3, evalExamples: 8, "
                        + "freeze: [\"transformer.wte.weight\", \"transformer.h.0.attn.*\"]}")
                .replaceAll("(?m)^  - sample.*$", ""));

        Cli.Result result = Cli.run("run", file.toString());

        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("finetune: builtin demo, 256 examples (230 train, 26 validation)",
                "3 tensors frozen");
        Path out = dir.resolve("out");
        assertThat(FinetuneCheckpoints.adapters(out)).doesNotExist();
        Path pretrained = out.resolve("checkpoint-latest.pb");
        Map<String, float[]> before = Checkpoints.read(pretrained).arrays(ModelCheckpoints.MODEL_PREFIX);
        Map<String, float[]> after = Checkpoints.read(FinetuneCheckpoints.model(out)).arrays(ModelCheckpoints.MODEL_PREFIX);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
        before.forEach((name, values) -> {
            boolean frozen = name.equals("transformer.wte.weight") || name.startsWith("transformer.h.0.attn.");
            if (frozen) {
                assertThat(after.get(name)).as(name + " is frozen").containsExactly(values);
            } else {
                assertThat(after.get(name)).as(name + " trains").isNotEqualTo(values);
            }
        });
    }

    @Test
    void theBuiltInDemoDataGivesEachCharacterOneFixedAnswer() {
        List<dev.quire.model.PromptCompletion> examples = FinetuneDemoData.examples(256, 7);
        assertThat(FinetuneDemoData.examples(256, 7)).isEqualTo(examples);
        assertThat(FinetuneDemoData.examples(256, 8)).isNotEqualTo(examples);
        Map<String, String> answers = new java.util.HashMap<>();
        for (var example : examples) {
            assertThat(example.prompt()).endsWith(" found ").contains(".\n");
            String who = example.prompt().substring(example.prompt().indexOf('\n') + 1);
            assertThat(answers.putIfAbsent(who, example.completion())).isIn(null, example.completion());
        }
        assertThat(answers).hasSize(12);
        assertThat(new java.util.HashSet<>(answers.values())).hasSize(12);
    }

    private static float[] logits(Gpt model) {
        int[] tokens = new int[24];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7) % model.vocabSize();
        }
        try (var noGrad = Grad.disabled()) {
            return model.logits(tokens, 1, 24, new TrainingContext(false, 0, new Rng(0))).data().clone();
        }
    }
}
