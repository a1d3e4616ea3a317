package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import dev.quire.runtime.config.ConfigNode;
import dev.quire.runtime.config.YamlDocument;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code quire bench attention}, in-process: its last line of standard output is a JSON object. */
class BenchAttentionTest {

    /** The last line of standard output, parsed (JSON is YAML; the runtime's strict reader reads it). */
    private static ConfigNode.ConfigMap json(Cli.Result result) {
        String line = result.lastOutLine();
        assertThat(line).as(result.toString()).startsWith("{").endsWith("}");
        return YamlDocument.parse(Path.of("stdout"), line).root().mapping("a JSON object");
    }

    private static double number(ConfigNode.ConfigMap map, String key) {
        return map.require(key, "the bench result").asDouble();
    }

    @Test
    void measuresStandardAndFlashOnASmallGroupedQueryShape() {
        for (String impl : new String[] {"standard", "flash"}) {
            var result = Cli.run("bench", "attention", "--impl", impl, "--batch", "1", "--heads", "4", "--kv-heads", "2",
                    "--seq", "48", "--dim", "16", "--causal", "--threads", "1", "--reps", "2", "--warmup", "1");
            assertThat(result.status()).as(result.toString()).isZero();
            var json = json(result);
            assertThat(json.keySet()).as(impl).contains("impl", "options", "forward_ms", "backward_ms", "peak_bytes")
                    .doesNotContain("error");
            assertThat(json.require("impl", "").asString()).isEqualTo(impl);
            assertThat(json.require("kv_heads", "").asInt()).isEqualTo(2);
            assertThat(json.require("seq", "").asInt()).isEqualTo(48);
            assertThat(json.require("causal", "").asBoolean()).isTrue();
            assertThat(json.require("threads", "").asInt()).isEqualTo(1);
            assertThat(number(json, "forward_ms")).as(impl).isPositive();
            assertThat(number(json, "backward_ms")).as(impl).isNotNegative();
            // The output and log-sum-exp alone are 4·48·(16 + 1)·4 bytes.
            assertThat(json.require("peak_bytes", "").asLong()).as(impl).isGreaterThanOrEqualTo(4L * 4 * 48 * 17);
            assertThat(result.out()).contains("bench attention " + impl + ": forward ");
        }
    }

    @Test
    void standardAllocatesItsScoreMatrix() {
        var result = Cli.run("bench", "attention", "--impl", "standard", "--heads", "2", "--seq", "256", "--dim", "32",
                "--threads", "2", "--reps", "1", "--warmup", "0");
        assertThat(result.status()).as(result.toString()).isZero();
        var json = json(result);
        long scores = json.require("score_matrix_bytes", "").asLong();
        assertThat(scores).isEqualTo(4L * 2 * 256 * 256);
        assertThat(json.require("peak_bytes", "").asLong()).as("the meter sees the materialized probabilities")
                .isGreaterThanOrEqualTo(scores);
    }

    @Test
    void componentOptionsAreBoundStrictly() {
        var result = Cli.run("bench", "attention", "--impl", "flash", "--heads", "2", "--seq", "40", "--dim", "8",
                "--reps", "1", "--warmup", "0", "--options", "{queryTile: 16, keyTile: 8}");
        assertThat(result.status()).as(result.toString()).isZero();
        var options = json(result).require("options", "").mapping("options");
        assertThat(options.require("queryTile", "").asInt()).isEqualTo(16);
        assertThat(options.require("keyTile", "").asInt()).isEqualTo(8);

        var unknownKey = Cli.run("bench", "attention", "--impl", "flash", "--options", "{tile: 16}");
        assertThat(unknownKey.status()).as(unknownKey.toString()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("tile", "queryTile");

        var outOfRange = Cli.run("bench", "attention", "--impl", "flash", "--options", "{queryTile: 0}");
        assertThat(outOfRange.status()).as(outOfRange.toString()).isEqualTo(2);
        assertThat(outOfRange.err()).contains("queryTile must be in [1, 1024]");
    }

    @Test
    void helpListsTheCommandAndItsOptions() {
        var bench = Cli.run("bench", "--help");
        assertThat(bench.status()).isZero();
        assertThat(bench.out()).contains("attention", "train");
        var help = Cli.run("bench", "attention", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("Usage: quire bench attention", "--impl", "--kv-heads", "--causal", "--threads",
                "--options", "peak_bytes");
    }

    @Test
    void badInputIsRefusedWithExitStatusTwo() {
        var unknown = Cli.run("bench", "attention", "--impl", "sparse");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown attention 'sparse'", "standard", "flash");

        var heads = Cli.run("bench", "attention", "--impl", "flash", "--heads", "3", "--kv-heads", "2");
        assertThat(heads.status()).as(heads.toString()).isEqualTo(2);
        assertThat(heads.err()).contains("heads (3) must be a multiple of kv-heads (2)");

        var zero = Cli.run("bench", "attention", "--impl", "flash", "--seq", "0");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).contains("seq must be positive, got 0");
    }

    @Test
    void aShapeStandardCannotHoldIsReportedAsAnErrorAboutMemory() {
        // B·H·T² = 128 · 4096² = 2³¹ scores: more than one array holds; the inputs themselves are small (D = 1).
        var result = Cli.run("bench", "attention", "--impl", "standard", "--batch", "128", "--heads", "1", "--seq", "4096",
                "--dim", "1", "--reps", "1", "--warmup", "0");
        assertThat(result.status()).as(result.toString()).isEqualTo(1);
        var json = json(result);
        assertThat(json.keySet()).contains("error", "score_matrix_bytes", "max_heap_bytes").doesNotContain("forward_ms");
        assertThat(json.require("error", "").asString()).contains("do not fit");
        assertThat(json.require("score_matrix_bytes", "").asLong()).isEqualTo(1L << 33);
        assertThat(result.err()).contains("quire: bench attention standard:", "score matrix is 8.0 GiB", "the heap holds at most");
    }
}
