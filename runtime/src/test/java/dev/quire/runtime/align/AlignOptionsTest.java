package dev.quire.runtime.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ComponentKind;
import dev.quire.runtime.Cli;
import dev.quire.runtime.config.AlignOptions;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.pipeline.PipelineRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code method:} block of the {@code align} stage: a component block of kind {@code alignment}, bound like
 * a top-level component (the method's own options record, strictly), and its record in a checkpoint.
 */
class AlignOptionsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeData() throws IOException {
        Files.writeString(dir.resolve("rankings.jsonl"), "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"}\n");
    }

    private Path pipeline(String name, String align) throws IOException {
        return Cli.write(dir.resolve(name), """
                seed: 7
                output: out-%s
                stages:
                  - %s
                """.formatted(name.replace(".yaml", ""), align));
    }

    private AlignOptions load(String align) throws IOException {
        try (var loaded = PipelineRunner.load(pipeline("load.yaml", align), Overrides.NONE)) {
            return (AlignOptions) loaded.config().stages().getFirst().options();
        }
    }

    private Cli.Result run(String name, String align) throws IOException {
        return Cli.run("run", pipeline(name, align).toString(), "--threads", "1");
    }

    @Test
    void givenKeysReplaceTheMethodsDefaultsAndTheRestStay() throws IOException {
        AlignOptions options = load("align: {method: {id: grpo, beta: 0.5, groupSize: 4, kl: k3-loss}, "
                + "preferences: rankings.jsonl, steps: 3}");
        ComponentChoice method = options.method();
        assertThat(method.kind()).isEqualTo(ComponentKind.ALIGNMENT);
        assertThat(method.id()).isEqualTo("grpo");
        assertThat(method.role()).isEqualTo("stages[0].align.method");
        // groupSize, beta, kl changed; clipEpsilon 0.2, epochs 1 ... the provider's defaults.
        assertThat(method.options().toString()).isEqualTo("GrpoOptions[groupSize=4, beta=0.5, kl=K3_LOSS, "
                + "clipEpsilon=0.2, epochs=1, minibatches=1, scaleByStd=true, maxNewTokens=16, temperature=1.0, "
                + "stopToken=-1]");
        assertThat(options.steps()).isEqualTo(3);

        // An id alone is a block too, with the method's defaults.
        assertThat(load("align: {method: ppo, preferences: rankings.jsonl}").method().id()).isEqualTo("ppo");
        // No method, or no options at all: DPO with its defaults.
        for (String align : new String[] {"align: {preferences: rankings.jsonl}", "align"}) {
            ComponentChoice dpo = load(align).method();
            assertThat(dpo.id()).as(align).isEqualTo("dpo");
            assertThat(dpo.role()).as(align).isEqualTo("stages[0].align.method");
            assertThat(dpo.options().toString()).as(align).isEqualTo("DpoOptions[beta=0.1]");
        }
    }

    @Test
    void anUnknownMethodIsExitTwoNamingTheLineAndTheChoices() throws IOException {
        var result = run("unknown-id.yaml", "align: {method: {id: rlhf, beta: 0.1}, preferences: rankings.jsonl}");
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("unknown-id.yaml", "line 4", "unknown alignment 'rlhf'",
                "Available alignment ids: ", "dpo (", "grpo (", "ppo (");
        assertThat(dir.resolve("out-unknown-id")).doesNotExist();
    }

    @Test
    void anOptionTheMethodLacksIsExitTwoNamingTheKeyAndTheMethodsKeys() throws IOException {
        var result = run("unknown-key.yaml", "align: {method: {id: dpo, groupSize: 4}, preferences: rankings.jsonl}");
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("unknown-key.yaml", "line 4", "column", "unknown key 'groupSize'",
                "Allowed keys for alignment 'dpo'", ": beta, id");
        assertThat(dir.resolve("out-unknown-key")).doesNotExist();

        // The same method option given at the stage's level is a stage key, also refused with the allowed keys.
        var misplaced = run("misplaced.yaml", "align: {method: dpo, beta: 0.1, preferences: rankings.jsonl}");
        assertThat(misplaced.status()).as(misplaced.toString()).isEqualTo(2);
        assertThat(misplaced.err()).contains("unknown key 'beta'", "Allowed keys for stage 'align'", "method");
    }

    @Test
    void anInvalidValueOfTheMethodIsExitTwoBeforeAnythingRuns() throws IOException {
        var result = run("bad-beta.yaml", "align: {method: {id: dpo, beta: -1}, preferences: rankings.jsonl}");
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("bad-beta.yaml", "line 4", "invalid options for alignment 'dpo'",
                "beta must be a number > 0, got -1.0");
        assertThat(dir.resolve("out-bad-beta")).doesNotExist();

        var kl = run("bad-kl.yaml", "align: {method: {id: grpo, kl: forward}, preferences: rankings.jsonl}");
        assertThat(kl.status()).as(kl.toString()).isEqualTo(2);
        assertThat(kl.err()).contains("line 4", "stages[0].align.method.kl", "forward", "reward, k3_loss");
        assertThat(dir.resolve("out-bad-kl")).doesNotExist();
    }

    @Test
    void theStagesOwnOptionsAreStillCheckedByTheRecord() throws IOException {
        var result = run("bad-steps.yaml", "align: {method: dpo, preferences: rankings.jsonl, steps: 0}");
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("line 4", "steps must be at least 1, got 0");

        assertThatThrownBy(() -> new AlignOptions(null, "", "", "", null, null, 0, 8, 1e-5, "constant", 10))
                .hasMessage("steps must be at least 1, got 0");
        ComponentChoice notAMethod = load("align").method();
        var optimizer = new ComponentChoice("optimizer", new dev.quire.api.ComponentDescriptor(ComponentKind.OPTIMIZER,
                "adamw", "1", "test", ""), notAMethod.options());
        assertThatThrownBy(() -> new AlignOptions(optimizer, "", "", "", null, null, 1, 8, 1e-5, "constant", 10))
                .hasMessageContaining("method must be an alignment method");
    }

    @Test
    void theOptionsAsACheckpointRecordsThemReadBackTheSame() throws IOException {
        AlignOptions options = load("align: {method: {id: grpo, groupSize: 4, kl: k3-loss}, preferences: rankings.jsonl}");
        String json = Json.write(options);
        assertThat(json).contains("\"method\":{\"role\":\"stages[0].align.method\",\"descriptor\":{\"kind\":\"alignment\","
                + "\"id\":\"grpo\"", "\"options\":{\"groupSize\":4");
        assertThat(readBack(json)).isEqualTo(options);

        // A method not available where the checkpoint is read (a plugin's) is skipped, not an error.
        AlignOptions skipped = readBack(json.replace("\"id\":\"grpo\"", "\"id\":\"from-a-plugin\""));
        assertThat(skipped.method()).isNull();
        assertThat(skipped.steps()).isEqualTo(options.steps());
        assertThat(readBack(Json.write(skipped))).isEqualTo(skipped);
    }

    private AlignOptions readBack(String json) {
        Path file = dir.resolve("checkpoint.pb");
        return OptionsBinder.bind(YamlDocument.parse(file, json).root().mapping("options"), Set.of(),
                AlignOptions.class, AlignOptions.DEFAULTS, "stage 'align'", dir);
    }
}
