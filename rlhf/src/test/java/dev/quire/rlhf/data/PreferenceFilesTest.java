package dev.quire.rlhf.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void readsRankingsAndPairsAndRoundTripsThem() throws IOException {
        var ranking = new Ranking("Once", List.of("a fox.", "a crow\n\"hi\"", "é ✓"), List.of(2, 0, 1));
        var pair = new PreferencePair("P", "good", "bad");
        Path rankings = write("r.jsonl", ranking.toJsonLine() + "\n");
        Path pairs = write("p.jsonl", pair.toJsonLine() + "\r\n" + pair.toJsonLine()); // CRLF, no final newline

        assertThat(PreferenceFiles.readRankings(rankings)).containsExactly(ranking);
        assertThat(PreferenceFiles.readPairs(pairs)).containsExactly(pair, pair);
        assertThat(ranking.toJsonLine()).isEqualTo(
                "{\"prompt\":\"Once\",\"completions\":[\"a fox.\",\"a crow\\n\\\"hi\\\"\",\"é ✓\"],\"ranking\":[2,0,1]}");
        assertThat(ranking.best()).isEqualTo("é ✓");
        assertThat(ranking.worst()).isEqualTo("a crow\n\"hi\"");
    }

    @Test
    void mixedFileReadsPairsAsRankingsOfTwo() throws IOException {
        Path file = write("m.jsonl", """
                {"prompt":"p","chosen":"x","rejected":"y"}
                {"prompt":"q","completions":["a","b","c"],"ranking":[1,2,0]}
                """);
        List<Ranking> all = PreferenceFiles.readPreferences(file);
        assertThat(all).hasSize(2);
        assertThat(all.get(0)).isEqualTo(new Ranking("p", List.of("x", "y"), List.of(0, 1)));
        assertThat(all.get(1).k()).isEqualTo(3);
    }

    @Test
    void rankingGivesItsChooseTwoPairsBestFirst() {
        var ranking = new Ranking("p", List.of("a", "b", "c", "d"), List.of(2, 0, 3, 1));
        // c > a > d > b: C(4,2) = 6 pairs.
        assertThat(ranking.indexPairs()).containsExactly(
                new Ranking.IndexPair(2, 0), new Ranking.IndexPair(2, 3), new Ranking.IndexPair(2, 1),
                new Ranking.IndexPair(0, 3), new Ranking.IndexPair(0, 1), new Ranking.IndexPair(3, 1));
        assertThat(ranking.pairs()).hasSize(6);
        assertThat(ranking.pairs().getFirst()).isEqualTo(new PreferencePair("p", "c", "a"));
        assertThat(ranking.pairs().getLast()).isEqualTo(new PreferencePair("p", "d", "b"));
        var five = new Ranking("p", List.of("1", "2", "3", "4", "5"), List.of(4, 3, 2, 1, 0));
        assertThat(five.pairs()).hasSize(10);
        assertThat(five.pairs()).allSatisfy(p -> assertThat(Integer.parseInt(p.chosen()))
                .isGreaterThan(Integer.parseInt(p.rejected())));
    }

    private void assertError(String text, int line, String... fragments) throws IOException {
        Path file = write("bad.jsonl", text);
        assertThatThrownBy(() -> PreferenceFiles.readPreferences(file))
                .isInstanceOf(PreferenceFormatException.class)
                .satisfies(e -> assertThat(((PreferenceFormatException) e).line()).isEqualTo(line))
                .hasMessageStartingWith(file + " line " + line + ": ")
                .hasMessageContainingAll(fragments);
    }

    private static final String GOOD = "{\"prompt\":\"p\",\"completions\":[\"a\",\"b\",\"c\"],\"ranking\":[0,1,2]}\n";

    @Test
    void rankingThatIsNotAPermutationSaysWhy() throws IOException {
        assertError(GOOD + "{\"prompt\":\"p\",\"completions\":[\"a\",\"b\",\"c\"],\"ranking\":[0,0,2]}\n", 2,
                "is not a permutation of 0..2", "index 0 appears twice");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",\"b\",\"c\"],\"ranking\":[0,3,1]}\n", 1,
                "index 3 at position 1 is out of range");
        assertError(GOOD + GOOD + "{\"prompt\":\"p\",\"completions\":[\"a\",\"b\",\"c\"],\"ranking\":[0,1]}\n", 3,
                "it has 2 entries but there are 3 completions");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",\"b\"],\"ranking\":[-1,0]}\n", 1, "index -1");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",\"b\"],\"ranking\":[0,1.5]}\n", 1,
                "\"ranking\"[1] must be an integer", "1.5");
    }

    @Test
    void malformedLinesNameTheLine() throws IOException {
        assertError(GOOD + "{\"prompt\":\"p\",\"completions\":[\"a\",\"b\"]\n", 2, "invalid JSON at column");
        assertError(GOOD + "\n" + GOOD, 2, "empty line");
        assertError("[1,2]\n", 1, "expected a JSON object, found an array");
        assertError(GOOD + "{\"prompt\":\"p\",\"completions\":[\"a\",\"b\"],\"ranking\":[0,1],\"score\":3}\n", 2,
                "unexpected key \"score\"", "\"prompt\", \"completions\", \"ranking\"");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",\"b\"]}\n", 1, "missing key \"ranking\"");
        assertError("{\"prompt\":\"p\",\"chosen\":\"x\"}\n", 1, "missing key \"rejected\"", "a pair line");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\"],\"ranking\":[0]}\n", 1, "at least 2 (K >= 2)");
        assertError("{\"prompt\":\"\",\"chosen\":\"x\",\"rejected\":\"y\"}\n", 1, "\"prompt\" must not be empty");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",\"\"],\"ranking\":[0,1]}\n", 1,
                "\"completions\"[1] must not be empty");
        assertError("{\"prompt\":3,\"chosen\":\"x\",\"rejected\":\"y\"}\n", 1, "\"prompt\" must be a string, found a number 3");
        assertError("{\"prompt\":\"p\",\"completions\":\"ab\",\"ranking\":[0,1]}\n", 1,
                "\"completions\" must be an array of strings");
        assertError("{\"prompt\":\"p\",\"completions\":[\"a\",7],\"ranking\":[0,1]}\n", 1,
                "\"completions\"[1] must be a string, found a number 7");
        assertError("{\"prompt\":\"p\",\"prompt\":\"q\",\"chosen\":\"x\",\"rejected\":\"y\"}\n", 1, "duplicate key \"prompt\"");
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"prompt\":\"p\u00ff\",\"chosen\":\"x\",\"rejected\":\"y\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("utf.jsonl");
        Files.write(file, concat(good, good, bad));
        assertThatThrownBy(() -> PreferenceFiles.readPreferences(file))
                .hasMessage(file + " line 3: not valid UTF-8 text (byte 0xFF at byte 13 of the line)");
    }

    @Test
    void strictReadersRejectTheOtherKind() throws IOException {
        Path file = write("pairs.jsonl", "{\"prompt\":\"p\",\"chosen\":\"x\",\"rejected\":\"y\"}\n");
        assertThatThrownBy(() -> PreferenceFiles.readRankings(file))
                .hasMessageContaining(file + " line 1: unexpected key \"chosen\"");
        assertThatThrownBy(() -> PreferenceFiles.readPairs(dir.resolve("missing.jsonl")))
                .hasMessage(dir.resolve("missing.jsonl") + ": no such file");
        assertThat(PreferenceFiles.readPairs(write("empty.jsonl", ""))).isEmpty();
    }

    @Test
    void recordsValidateToo() {
        assertThatThrownBy(() -> new Ranking("p", List.of("a", "b"), List.of(1, 1)))
                .hasMessageContaining("index 1 appears twice");
        assertThatThrownBy(() -> new PreferencePair("p", "", "y")).hasMessageContaining("\"chosen\" must not be empty");
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
