package dev.quire.rlhf.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.rlhf.data.PreferenceFormatException;
import dev.quire.rlhf.data.Ranking;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankingSessionTest {

    @TempDir
    Path dir;

    private static final List<String> PROMPTS = List.of("Once", "At noon", "The fox", "Late");

    /** Completions "<prompt index>.<j>", recording which prompts were sampled. */
    private final List<Integer> sampled = new ArrayList<>();
    private final CompletionSampler fake = (prompt, index, k) -> {
        sampled.add(index);
        return IntStream.rangeClosed(1, k).mapToObj(j -> " " + index + "." + j).toList();
    };

    private record Run(RankingSession.Summary summary, String shown) {
    }

    private Run session(Path out, int k, String typed) {
        var shown = new StringWriter();
        try (var log = RankingLog.open(out, PROMPTS, k)) {
            var summary = new RankingSession(PROMPTS, k, fake, log, new BufferedReader(new StringReader(typed)),
                    new PrintWriter(shown, true)).run();
            return new Run(summary, shown.toString());
        }
    }

    @Test
    void interruptedThenResumedWritesEachPromptOnceInOrder() throws IOException {
        Path out = dir.resolve("rankings.jsonl");
        // First session: ranks prompt 1, types nonsense then ranks prompt 2, then the input ends mid-session.
        Run first = session(out, 3, "2 1 3\nx y\n3 3 1\n312\n");
        assertThat(first.summary()).isEqualTo(new RankingSession.Summary(0, 2, 0, true, 2));
        assertThat(first.shown()).contains("Not an order: \"x\" is not a number")
                .contains("Not an order: 3 is given twice")
                .contains("=== Prompt 1 of 4 ===", "--- [1] ---", "Once 0.1", "=== Prompt 3 of 4 ===");
        assertThat(PreferenceFiles.readRankings(out)).containsExactly(
                new Ranking("Once", List.of(" 0.1", " 0.2", " 0.3"), List.of(1, 0, 2)),
                new Ranking("At noon", List.of(" 1.1", " 1.2", " 1.3"), List.of(2, 0, 1)));

        // Second session: resumes at prompt 3 (index 2), skips it, ranks prompt 4.
        sampled.clear();
        Run second = session(out, 3, "s\n1 2 3\n");
        assertThat(second.summary()).isEqualTo(new RankingSession.Summary(2, 1, 1, false, 0));
        assertThat(sampled).containsExactly(2, 3);
        assertThat(second.shown()).contains("Resuming", "continuing at prompt 3 of 4");
        List<Ranking> all = PreferenceFiles.readRankings(out);
        assertThat(all).extracting(Ranking::prompt).containsExactly("Once", "At noon", "Late");
        assertThat(all.getLast().completions()).containsExactly(" 3.1", " 3.2", " 3.3");

        // Third session: nothing left (the skipped prompt came before the last answer).
        sampled.clear();
        Run third = session(out, 3, "");
        assertThat(third.summary()).isEqualTo(new RankingSession.Summary(3, 0, 0, false, 0));
        assertThat(sampled).isEmpty();
    }

    @Test
    void eachAnswerIsOnDiskBeforeTheNextPromptIsShown() {
        Path out = dir.resolve("r.jsonl");
        List<Integer> linesWhenSampling = new ArrayList<>();
        CompletionSampler checking = (prompt, index, k) -> {
            linesWhenSampling.add(Files.exists(out) ? PreferenceFiles.readRankings(out).size() : -1);
            return List.of("a", "b");
        };
        try (var log = RankingLog.open(out, PROMPTS, 2)) {
            new RankingSession(PROMPTS, 2, checking, log, new BufferedReader(new StringReader("12\n21\nq\n")),
                    new PrintWriter(new StringWriter())).run();
        }
        assertThat(linesWhenSampling).containsExactly(0, 1, 2);
    }

    @Test
    void malformedExistingFileIsAnErrorAndIsNotTouched() throws IOException {
        Path out = dir.resolve("bad.jsonl");
        String good = new Ranking("Once", List.of("a", "b"), List.of(0, 1)).toJsonLine();
        String text = good + "\n{\"prompt\":\"At noon\",\"completions\":[\"a\",\"b\"],\"ranking\":[1,1]}\n";
        Files.writeString(out, text);
        assertThatThrownBy(() -> RankingLog.open(out, PROMPTS, 2))
                .isInstanceOf(PreferenceFormatException.class)
                .hasMessageStartingWith(out + " line 2: ")
                .hasMessageContaining("index 1 appears twice");
        assertThat(Files.readString(out)).isEqualTo(text);

        Files.writeString(out, good + "\n{\"prompt\":\"At no"); // a line cut short by a crash
        assertThatThrownBy(() -> RankingLog.open(out, PROMPTS, 2)).hasMessageStartingWith(out + " line 2: invalid JSON");
        assertThat(Files.readString(out)).isEqualTo(good + "\n{\"prompt\":\"At no");
    }

    @Test
    void existingFileMustMatchThePromptsAndK() throws IOException {
        Path out = dir.resolve("other.jsonl");
        Files.writeString(out, new Ranking("Once", List.of("a", "b"), List.of(0, 1)).toJsonLine() + "\n"
                + new Ranking("Elsewhere", List.of("a", "b"), List.of(0, 1)).toJsonLine() + "\n");
        assertThatThrownBy(() -> RankingLog.open(out, PROMPTS, 2))
                .hasMessageStartingWith(out + " line 2: its prompt \"Elsewhere\" is not among the prompts after prompt 1");
        assertThatThrownBy(() -> RankingLog.open(out, PROMPTS, 4))
                .hasMessageStartingWith(out + " line 1: this ranking has 2 completions, but the session ranks k = 4");
    }

    @Test
    void lastLineWithoutLineEndGetsOneBeforeAppending() throws IOException {
        Path out = dir.resolve("noeol.jsonl");
        Files.writeString(out, new Ranking("Once", List.of(" 0.1", " 0.2"), List.of(0, 1)).toJsonLine());
        Run run = session(out, 2, "21\nq\n");
        assertThat(run.summary().answered()).isEqualTo(1);
        assertThat(PreferenceFiles.readRankings(out)).extracting(Ranking::prompt).containsExactly("Once", "At noon");
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).endsWith("]}\n").doesNotContain("\n\n");
    }

    @Test
    void aSecondSessionOnTheSameFileIsRefused() {
        Path out = dir.resolve("locked.jsonl");
        try (var log = RankingLog.open(out, PROMPTS, 2)) {
            assertThat(log.nextPrompt()).isZero();
            assertThatThrownBy(() -> RankingLog.open(out, PROMPTS, 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another ranking session");
        }
    }

    @Test
    void promptFilesPlainAndJsonLines() throws IOException {
        Path plain = Files.writeString(dir.resolve("p.txt"), "One morning\n\nAt noon, \n");
        assertThat(Prompts.read(plain)).containsExactly("One morning", "At noon, ");
        Path json = Files.writeString(dir.resolve("p.jsonl"),
                "{\"prompt\":\"a\\nb\",\"completion\":\"x\"}\n{\"prompt\":\"c\"}\n");
        assertThat(Prompts.read(json)).containsExactly("a\nb", "c");
        Path bad = Files.writeString(dir.resolve("q.jsonl"), "{\"prompt\":\"a\"}\n{\"text\":\"c\"}\n");
        assertThatThrownBy(() -> Prompts.read(bad)).hasMessageStartingWith(bad + " line 2: missing key \"prompt\"");
        Path empty = Files.writeString(dir.resolve("e.txt"), "\n\n");
        assertThatThrownBy(() -> Prompts.read(empty)).hasMessage(empty + ": no prompts (expected one prompt per line)");
    }
}
