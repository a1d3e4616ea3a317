package dev.quire.tokenizer.wordpiece;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** LinMaxMatch gives exactly the tokens of greedy longest-match-first. */
class LinMaxMatchTest {

    private static String randomWord(Random r, String[] alphabet, int maxLen) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(maxLen);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    private static List<Integer> linear(WordPiece wp, String word) {
        List<Integer> l = new ArrayList<>();
        for (int id : wp.tokenize(word)) {
            l.add(id);
        }
        return l;
    }

    @Test
    void agreesWithGreedyOnRandomVocabulariesAndWords() {
        Random r = new Random(42);
        String[][] alphabets = {
                {"a", "b"}, {"a", "b", "c"}, {"a", "b", "c", "#"}, {"x", "y", "\uD83D\uDE00", "é"}, {"a", "b", "c", "d", "e", "f"}};
        int checked = 0;
        for (int round = 0; round < 400; round++) {
            String[] alpha = alphabets[round % alphabets.length];
            Map<String, Integer> vocab = new LinkedHashMap<>();
            vocab.put("[UNK]", 0);
            int nTokens = 1 + r.nextInt(40);
            for (int i = 0; i < nTokens; i++) {
                String t = randomWord(r, alpha, 5);
                if (r.nextBoolean()) {
                    t = "##" + t;
                }
                vocab.putIfAbsent(t, vocab.size());
            }
            if (r.nextInt(4) == 0) {
                vocab.putIfAbsent("##", vocab.size());
                vocab.putIfAbsent("#", vocab.size());
            }
            int max = 3 + r.nextInt(12);
            WordPiece wp = new WordPiece(vocab, "[UNK]", "##", max);
            GreedyWordPiece ref = new GreedyWordPiece(vocab, "[UNK]", "##", max);
            for (int w = 0; w < 200; w++) {
                String word = randomWord(r, alpha, 14);
                assertThat(linear(wp, word)).as("vocab %s word %s", vocab.keySet(), word).isEqualTo(ref.tokenize(word));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(80_000);
    }

    @Test
    void agreesWithGreedyOnTheReferenceVocabulary() {
        for (int size : new int[] {1000, 4096}) {
            WordPiece wp = Fixtures.hf(size).model();
            GreedyWordPiece ref = new GreedyWordPiece(wp.vocab(), "[UNK]", "##", 100);
            Random r = new Random(size);
            String[] alpha = "abcdefghijklmnopqrstuvwxyz'é#".split("");
            for (int i = 0; i < 20_000; i++) {
                String word = randomWord(r, alpha, i % 100 == 0 ? 130 : 16);
                assertThat(linear(wp, word)).as(word).isEqualTo(ref.tokenize(word));
            }
            // and every word of the corpus
            String[] words = Fixtures.shakespeareText().toLowerCase().split("[^a-z]+");
            for (String word : words) {
                if (!word.isEmpty()) {
                    assertThat(linear(wp, word)).as(word).isEqualTo(ref.tokenize(word));
                }
            }
        }
    }

    @Test
    void piecesSpanTheWord() {
        WordPiece wp = Fixtures.hf(4096).model();
        String word = "unfortunately";
        char[] buf = word.toCharArray();
        IntList ids = new IntList();
        IntList s = new IntList();
        IntList e = new IntList();
        wp.tokenize(buf, 0, buf.length, ids, s, e);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < ids.size; i++) {
            String t = wp.token(ids.get(i));
            String piece = i == 0 ? t : t.substring(2);
            assertThat(word.substring(s.get(i), e.get(i))).isEqualTo(piece);
            if (i > 0) {
                assertThat(s.get(i)).isEqualTo(e.get(i - 1));
            }
            joined.append(piece);
        }
        assertThat(joined.toString()).isEqualTo(word);
        assertThat(s.get(0)).isZero();
        assertThat(e.get(ids.size - 1)).isEqualTo(word.length());
    }

    @Test
    void unknownAndOverlongWordsBecomeOneUnk() {
        WordPiece wp = new WordPiece(Map.of("[UNK]", 0, "a", 1, "##a", 2, "b", 3), "[UNK]", "##", 5);
        assertThat(wp.tokenize("aaaaa")).containsExactly(1, 2, 2, 2, 2);
        assertThat(wp.tokenize("aaaaaa")).containsExactly(0);
        assertThat(wp.tokenize("ab")).containsExactly(0);  // ##b is missing
        assertThat(wp.tokenize("ba")).containsExactly(3, 2);
        assertThat(wp.tokenize("c")).containsExactly(0);
        // code points, not UTF-16 units, count toward the limit
        WordPiece emoji = new WordPiece(Map.of("[UNK]", 0, "\uD83D\uDE00", 1, "##\uD83D\uDE00", 2), "[UNK]", "##", 3);
        assertThat(emoji.tokenize("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00")).containsExactly(1, 2, 2);
        assertThat(emoji.tokenize("\uD83D\uDE00".repeat(4))).containsExactly(0);
    }

    @Test
    void linearTimeOnOneMegabyteWord() {
        // a pathological vocabulary for greedy matching: a, aa, ..., a^50 and ##a ... ##a^49 b
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("[UNK]", 0);
        for (int i = 1; i <= 50; i++) {
            vocab.put("a".repeat(i), vocab.size());
            vocab.put("##" + "a".repeat(i - 1) + "b", vocab.size());
            vocab.put("##" + "a".repeat(i), vocab.size());
        }
        WordPiece wp = new WordPiece(vocab, "[UNK]", "##", Integer.MAX_VALUE);
        String word = "a".repeat(1 << 20);
        long t0 = System.nanoTime();
        int[] ids = wp.tokenize(word);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ids.length).isEqualTo((1 << 20) / 50 + 1);
        assertThat(ms).as("ms for 1M chars").isLessThan(2000);
        assertThat(Arrays.stream(ids).allMatch(id -> id > 0)).isTrue();
    }
}
