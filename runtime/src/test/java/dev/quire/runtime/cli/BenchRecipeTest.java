package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import dev.quire.runtime.config.ConfigNode;
import dev.quire.runtime.config.YamlDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire bench recipe}, in-process, on a few steps of a small text: the full recipe (2,000 steps,
 * about a minute on two quiet cores) is a benchmark (docs/benchmarks.md), not a test.
 */
class BenchRecipeTest {

    /** 20 distinct characters, about 40,000 of them. */
    private static String text() {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dogs, ", "and ", "sphinx ",
                "of ", "black ", "quartz: ", "judge ", "my ", "vow.\n", "WE "};
        for (int i = 0; sb.length() < 40_000; i++) {
            sb.append(words[(i * 7 + i / 5) % words.length]);
        }
        return sb.toString();
    }

    @Test
    void trainsTheRecipeModelAndReportsItsLossAndTimeAsJson(@TempDir Path dir) throws Exception {
        String text = text();
        Path corpus = Cli.write(dir.resolve("corpus.txt"), text);
        var result = Cli.run("bench", "recipe", "--data", corpus.toString(), "--steps", "3", "--threads", "1");
        assertThat(result.status()).as(result.toString()).isZero();
        String line = result.lastOutLine();
        assertThat(line).as(result.toString()).startsWith("{").endsWith("}");
        ConfigNode.ConfigMap json = YamlDocument.parse(Path.of("stdout"), line).root().mapping("a JSON object");
        assertThat(json.require("steps", "").asInt()).isEqualTo(3);
        assertThat(json.require("threads", "").asInt()).isEqualTo(1);
        long distinct = text.chars().distinct().count();
        assertThat(json.require("vocab", "").asInt()).isEqualTo((int) distinct);
        // 4 layers of width 128 (12·128² weights each), embeddings for vocab + 64 positions, 9 norms' weights.
        assertThat(json.require("params", "").asLong()).isEqualTo(4L * 12 * 128 * 128 + (distinct + 64) * 128 + 9 * 128);
        // Three warm-up steps (lr 1e-5 to 3e-5) move an untrained model only a little: near the uniform
        // prediction's log(vocab) (3.0 here), a little below it since the characters are not uniform.
        double val = json.require("val_loss", "").asDouble();
        assertThat(val).isBetween(Math.log(distinct) - 1, Math.log(distinct) + 0.5);
        assertThat(json.require("evaluations", "").asInt()).isEqualTo(1); // at the last step only
        assertThat(json.require("wall_seconds", "").asDouble()).isPositive();
        assertThat(result.out()).contains("iter 3: train ").contains("bench recipe: val loss ");
        assertThat(result.out()).contains("note: " + distinct + " distinct characters");
    }

    @Test
    void badInputIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        var missing = Cli.run("bench", "recipe", "--data", dir.resolve("nope.txt").toString());
        assertThat(missing.status()).isNotZero();
        assertThat(missing.err()).contains("--data").contains("nope.txt").contains("no such file");

        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "to be or not to be");
        var small = Cli.run("bench", "recipe", "--data", tiny.toString());
        assertThat(small.status()).isNotZero();
        assertThat(small.err()).contains("tiny.txt").contains("18 characters");

        var steps = Cli.run("bench", "recipe", "--data", tiny.toString(), "--steps", "0");
        assertThat(steps.status()).isNotZero();
        assertThat(steps.err()).contains("--steps must be >= 1");
    }
}
