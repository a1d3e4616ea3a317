package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.QuireApi;
import dev.quire.runtime.Cli;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input exits with status 2, says on standard error what is wrong and where (file,
 * line, key, what is allowed), and writes nothing: the output directory does not exist afterwards.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private Cli.Result runPipeline(String yaml, String... extra) throws IOException {
        Path file = Cli.write(dir.resolve("pipeline.yaml"), yaml);
        var args = new java.util.ArrayList<String>();
        args.add("run");
        args.add(file.toString());
        args.addAll(java.util.List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private void assertBadInput(Cli.Result result, String... fragments) {
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString()).contains(fragments);
        assertThat(result.out()).as("nothing on stdout").isEmpty();
        assertThat(dir.resolve("out")).as("nothing written").doesNotExist();
    }

    @Test
    void malformedYaml() throws IOException {
        var result = runPipeline("""
                seed: 1
                output: out
                model: {layers: 4, heads: 4
                stages: [pretrain]
                """);
        assertBadInput(result, "pipeline.yaml", "line 4", "malformed YAML");
    }

    @Test
    void unknownComponentIdListsTheIdsThatExistWithTheirOrigin() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                optimizer: {id: adamx, lr: 1.0e-3}
                stages: [pretrain]
                """);
        assertBadInput(result, "pipeline.yaml: line 3, column 17: optimizer.id: unknown optimizer 'adamx'",
                "adamw (module dev.quire.optim.adam)", "sgd (module dev.quire.optim.sgd)");
    }

    @Test
    void unknownKeyListsTheAllowedKeys() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                model:
                  layers: 2
                  layer: 4
                stages: [pretrain]
                """);
        assertBadInput(result, "pipeline.yaml: line 5, column 3: model.layer: unknown key 'layer'",
                "did you mean 'layers'?", "Allowed keys for the model", "attention", "context", "heads", "width");
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        var result = runPipeline("""
                output: out
                stagez: [pretrain]
                """);
        assertBadInput(result, "line 2, column 1: stagez: unknown key 'stagez'", "did you mean 'stages'?",
                "Allowed keys at the top level: data, model, optimizer");
    }

    @Test
    void unknownOptionOfAComponentListsItsOptions() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                optimizer: {id: adamw, learningRate: 0.01}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3", "optimizer.learningRate: unknown key 'learningRate'",
                "for optimizer 'adamw' (from module dev.quire.optim.adam)", "beta1", "lr", "noDecay", "weightDecay");
    }

    @Test
    void wrongType() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                model: {layers: four}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3, column 17: model.layers: expected an integer, found the text \"four\"");
    }

    @Test
    void quotedNumberIsNotANumber() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                optimizer: {id: adamw, lr: "0.1"}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3", "optimizer.lr: expected a number, found the text \"0.1\"");
    }

    @Test
    void invalidOptionValueReportsTheRecordsMessage() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                optimizer: {id: adamw, lr: -1.0}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3, column 12: optimizer: invalid options for optimizer 'adamw'", "lr");
    }

    @Test
    void invalidModelShape() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                model: {heads: 3, width: 128}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3", "model: invalid options for the model", "multiple of heads");
    }

    @Test
    void unknownEnumValueListsTheValues() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                model: {gelu: fast}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 3", "model.gelu: expected one of exact, tanh, found the text \"fast\"");
    }

    @Test
    void unknownStage() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                stages:
                  - pretrain: {steps: 10}
                  - distill: {steps: 10}
                """);
        assertBadInput(result, "line 5, column 5: stages[1]: unknown stage 'distill'",
                "evaluate (module dev.quire.runtime)", "pretrain (module dev.quire.runtime)");
    }

    @Test
    void wrongTypeInAStage() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                stages:
                  - pretrain: {steps: 1.5}
                """);
        assertBadInput(result, "line 4", "stages[0].pretrain.steps: expected an integer, found the number 1.5");
    }

    @Test
    void missingCorpusFile() throws IOException {
        var result = runPipeline("""
                output: out
                data: {corpus: missing.txt}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 2, column 16: data.corpus: file ", "missing.txt does not exist");
    }

    @Test
    void missingData() throws IOException {
        var result = runPipeline("""
                output: out
                stages: [pretrain]
                """);
        assertBadInput(result, "missing key 'data'", "builtin: demo");
    }

    @Test
    void missingPipelineFile() {
        var result = Cli.run("run", dir.resolve("nope.yaml").toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("nope.yaml", "no such file");
    }

    @Test
    void scheduleLongerThanTheRun() throws IOException {
        var result = runPipeline("""
                output: out
                data: {builtin: demo}
                schedule: {id: cosine, warmupSteps: 100}
                stages:
                  - pretrain: {steps: 10}
                """);
        assertBadInput(result, "line 3", "schedule: schedule 'cosine' does not fit the pretrain stage's 10 steps");
    }

    @Test
    void missingPluginsDirectoryInTheFile() throws IOException {
        var result = runPipeline("""
                output: out
                plugins: no-such-plugins
                data: {builtin: demo}
                stages: [pretrain]
                """);
        assertBadInput(result, "line 2, column 10: plugins: plugins directory", "no-such-plugins does not exist");
    }

    @Test
    void missingPluginsDirectoryOnTheCommandLine() throws IOException {
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", dir.resolve("absent").toString());
        assertBadInput(result, "plugins directory", "absent does not exist");
    }

    @Test
    void pluginJarWithoutPluginIdInItsManifest() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        var manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Plugin-Version", "1.0.0");
        try (OutputStream out = Files.newOutputStream(plugins.resolve("broken.jar"));
             var jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("nothing".getBytes());
            jar.closeEntry();
        }
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", plugins.toString());
        assertBadInput(result, "broken.jar", "manifest without Plugin-Id", "Plugin-Requires");
    }

    @Test
    void pluginJarWithoutManifest() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (OutputStream out = Files.newOutputStream(plugins.resolve("bare.jar"));
             var zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("dev/example/Thing.class"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", plugins.toString());
        assertBadInput(result, "bare.jar", "has no manifest");
    }

    @Test
    void pluginJarThatIsNotAZip() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("garbage.jar"), "this is not a jar");
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", plugins.toString());
        assertBadInput(result, "garbage.jar", "not a valid jar");
    }

    @Test
    void pluginForAnotherApiVersion() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Cli.copyWithManifest(Cli.lionJar(), plugins.resolve("lion-future.jar"), Map.of("Plugin-Requires", ">=9.0.0"));
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", plugins.toString());
        assertBadInput(result, "lion-future.jar", "requires Quire API >=9.0.0", "provides API " + QuireApi.VERSION);
    }

    @Test
    void twoComponentsWithTheSameIdNameBothOrigins() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(Cli.lionJar(), plugins.resolve("a-lion.jar"));
        var changes = new HashMap<String, String>();
        changes.put("Plugin-Id", "lion-copy");
        Cli.copyWithManifest(Cli.lionJar(), plugins.resolve("b-lion.jar"), changes);
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--plugins", plugins.toString());
        assertBadInput(result, "two components are both optimizer 'lion'",
                "plugin lion-optimizer 1.0.0 (a-lion.jar)", "plugin lion-copy 1.0.0 (b-lion.jar)");
        // `quire plugins` reports the same clash.
        var listing = Cli.run("plugins", "--plugins", plugins.toString());
        assertThat(listing.status()).isEqualTo(2);
        assertThat(listing.err()).contains("two components are both optimizer 'lion'");
    }

    @Test
    void resumeWithoutARun() throws IOException {
        var result = runPipeline(Cli.tinyPipeline("adamw", 5), "--resume");
        assertBadInput(result, "nothing to resume", "checkpoint-latest.pb does not exist");
    }

    @Test
    void sampleWithoutAModel() throws IOException {
        var result = runPipeline("""
                output: out
                stages: [sample]
                """);
        assertBadInput(result, "stage stages[0].sample needs a model", "checkpoint-latest.pb does not exist");
    }

    @Test
    void badCommandLineOption() {
        var result = Cli.run("run", "x.yaml", "--no-such-option");
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option", "--no-such-option");
    }

    @Test
    void missingCheckpointForGenerate() {
        var result = Cli.run("generate", "--checkpoint", dir.resolve("none.pb").toString(), "--prompt", "x");
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("none.pb does not exist");
    }

    @Test
    void helpEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"demo", "--help"}, {"plugins", "--help"},
                {"generate", "--help"}, {"bench", "--help"}, {"bench", "train", "--help"}}) {
            var result = Cli.run(args);
            assertThat(result.status()).as(String.join(" ", args)).isZero();
            assertThat(result.out()).as(String.join(" ", args)).contains("Usage: quire");
        }
    }
}
