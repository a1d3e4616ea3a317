package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin jar (plugins/lion), copied into a plugins directory as a user would, not on
 * the module path: listed with its plugin origin, and usable as {@code optimizer: {id: lion}}.
 */
class PluginRunTest {

    @TempDir
    Path dir;

    @Test
    void lionIsListedWithItsPluginOrigin() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(Cli.lionJar(), plugins.resolve(Cli.lionJar().getFileName()));
        var result = Cli.run("plugins", "--plugins", plugins.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).containsPattern(
                "optimizer +lion +1\\.0\\.0 +plugin lion-optimizer 1\\.0\\.0 \\(quire-plugin-lion-0\\.1\\.0-SNAPSHOT\\.jar\\)");
        assertThat(result.out()).containsPattern("optimizer +adamw +\\S+ +module dev\\.quire\\.optim\\.adam");
        assertThat(result.out()).containsPattern("stage +pretrain +\\S+ +module dev\\.quire\\.runtime");
    }

    @Test
    void trainsWithTheLionOptimizerFromThePluginsDirectory() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(Cli.lionJar(), plugins.resolve(Cli.lionJar().getFileName()));
        String yaml = """
                seed: 11
                output: out
                plugins: plugins
                data: {builtin: demo, chars: 20000}
                model: {layers: 1, heads: 2, width: 32, context: 16}
                optimizer: {id: lion, lr: 1.0e-3, weightDecay: 0.1}
                stages:
                  - pretrain: {steps: 40, batchSize: 8, evalInterval: 20, evalIterations: 2, checkpointInterval: 0}
                """;
        Path file = Cli.write(dir.resolve("lion.yaml"), yaml);
        var result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("optimizer lion");

        List<String> metrics = Files.readAllLines(dir.resolve("out/metrics.jsonl"));
        List<Double> losses = metrics.stream().filter(l -> l.contains("\"loss\":"))
                .map(l -> Double.parseDouble(l.replaceAll(".*\"loss\":([-0-9.eE]+).*", "$1"))).toList();
        assertThat(losses).hasSize(40);
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(last).as("loss goes down with lion: " + losses).isLessThan(first - 0.3);

        // The checkpoint records the plugin as the optimizer's origin.
        var header = dev.quire.runtime.checkpoint.Checkpoints.read(dir.resolve("out/checkpoint-latest.pb")).header();
        assertThat(header.getOptimizerId()).isEqualTo("lion");
        assertThat(header.getComponentsList()).anySatisfy(c -> {
            assertThat(c.getRole()).isEqualTo("optimizer");
            assertThat(c.getOrigin()).isEqualTo("plugin lion-optimizer 1.0.0 (quire-plugin-lion-0.1.0-SNAPSHOT.jar)");
            assertThat(c.getOptionsJson()).contains("\"weightDecay\":0.1");
        });
    }
}
