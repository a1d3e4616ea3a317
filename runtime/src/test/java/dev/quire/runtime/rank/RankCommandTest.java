package dev.quire.runtime.rank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.rlhf.data.Ranking;
import dev.quire.runtime.Cli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire rank} on a real (tiny) checkpoint with typed answers on standard input. */
class RankCommandTest {

    @TempDir
    Path dir;

    private Path checkpoint;
    private Path prompts;

    @BeforeEach
    void trainTinyModel() throws IOException {
        Path pipeline = Cli.write(dir.resolve("tiny.yaml"), Cli.tinyPipeline("{id: adamw, lr: 3.0e-3}", 5)
                .replace("  - evaluate: {maxBatches: 4}\n", "")
                .replace("  - sample: {prompt: \"The \", tokens: 24, temperature: 0.8, topK: 10}\n", ""));
        var run = Cli.run("run", pipeline.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        checkpoint = dir.resolve("out/checkpoint-latest.pb");
        prompts = Files.writeString(dir.resolve("prompts.txt"), "One morning, \nThe fox\nAt noon, the king\n");
    }

    private Cli.Result rank(Path out, String typed) {
        return rank(out, typed, "3");
    }

    private Cli.Result rank(Path out, String typed, String k) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)));
        try {
            var args = new java.util.ArrayList<>(List.of("rank", "--checkpoint", checkpoint.toString(), "--prompts",
                    prompts.toString(), "--out", out.toString(), "--k", k, "--tokens", "8", "--threads", "1"));
            return Cli.run(args.toArray(String[]::new));
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void interruptedSessionResumesWithTheSameCompletions() {
        Path out = dir.resolve("rankings.jsonl");
        var first = rank(out, "2 1 3\n"); // then the input ends, as when the terminal is closed
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.err()).contains("1 ranked, 0 skipped", "2 prompts to go");
        assertThat(first.out()).contains("=== Prompt 1 of 3 ===", "--- [3] ---", "=== Prompt 2 of 3 ===");

        var second = rank(out, "9 9 9\n1 3 2\nq\n");
        assertThat(second.status()).as(second.toString()).isZero();
        assertThat(second.out()).contains("continuing at prompt 2 of 3", "Not an order: 9 is not one of the completions 1..3");
        List<Ranking> rankings = PreferenceFiles.readRankings(out);
        assertThat(rankings).extracting(Ranking::prompt).containsExactly("One morning, ", "The fox");
        assertThat(rankings.get(0).ranking()).containsExactly(1, 0, 2);
        assertThat(rankings.get(1).ranking()).containsExactly(0, 2, 1);
        // 8 tokens of a character model: 8 characters each.
        assertThat(rankings).flatExtracting(Ranking::completions).allSatisfy(c -> assertThat(c).hasSize(8));

        // An uninterrupted session shows prompt 2 the same completions as the resumed one did.
        Path straight = dir.resolve("straight.jsonl");
        var once = rank(straight, "123\n123\n123\n");
        assertThat(once.status()).isZero();
        List<Ranking> all = PreferenceFiles.readRankings(straight);
        assertThat(all).hasSize(3);
        assertThat(all.get(1).completions()).isEqualTo(rankings.get(1).completions());
        assertThat(all.get(0).completions()).isNotEqualTo(all.get(1).completions());
    }

    @Test
    void badInputIsExitTwoWithTheReason() throws IOException {
        Path out = dir.resolve("r.jsonl");
        var k1 = rank(out, "", "1");
        assertThat(k1.status()).isEqualTo(2);
        assertThat(k1.err()).contains("--k must be from 2 to 26, got 1");

        String text = "{\"prompt\":\"One morning, \",\"completions\":[\"a\",\"b\",\"c\"],\"ranking\":[0,1,2]}\n{\"prompt\":\"The fox\"}\n";
        Files.writeString(out, text);
        var malformed = rank(out, "123\n");
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).contains(out + " line 2: missing keys \"completions\", \"ranking\"");
        assertThat(Files.readString(out)).isEqualTo(text);

        Files.writeString(prompts, "One morning\n\u263A smile\n");
        var unknown = rank(dir.resolve("u.jsonl"), "123\n");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains(prompts + ": prompt 2 cannot be used with the tokenizer");
        assertThat(dir.resolve("u.jsonl")).doesNotExist();
    }
}
