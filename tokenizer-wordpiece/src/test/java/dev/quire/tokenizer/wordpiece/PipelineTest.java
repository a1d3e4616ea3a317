package dev.quire.tokenizer.wordpiece;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Template (single and pair), added tokens in text, truncation, padding. */
class PipelineTest {

    private final WordPieceTokenizer tok = Fixtures.hf(4096);

    @Test
    void pairTemplateSetsTypeIdsAndOffsets() {
        Encoding e = tok.encoding("to be", "or not", true);
        assertThat(e.tokens()).containsExactly("[CLS]", "to", "be", "[SEP]", "or", "not", "[SEP]");
        assertThat(e.typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
        assertThat(e.specialTokensMask()).containsExactly(1, 0, 0, 1, 0, 0, 1);
        assertThat(e.sequenceIds()).containsExactly(-1, 0, 0, -1, 1, 1, -1);
        assertThat(e.offsets()).isDeepEqualTo(new int[][] {{0, 0}, {0, 2}, {3, 5}, {0, 0}, {0, 2}, {3, 6}, {0, 0}});
        Encoding plain = tok.encoding("to be", "or not", false);
        assertThat(plain.tokens()).containsExactly("to", "be", "or", "not");
        assertThat(plain.typeIds()).containsExactly(0, 0, 1, 1);
    }

    @Test
    void specialTokensInTextAreKeptWhole() {
        Encoding e = tok.encoding("the [MASK] of [UNK]!");
        assertThat(e.tokens()).containsExactly("[CLS]", "the", "[MASK]", "of", "[UNK]", "!", "[SEP]");
        assertThat(e.offsets()[2]).containsExactly(4, 10);
        assertThat(e.offsets()[5]).containsExactly(19, 20);
        assertThat(tok.encode("the [MASK] of [UNK]!")).isEqualTo(e.ids());
        // without the brackets it is ordinary text
        assertThat(tok.encoding("MASK").tokens()).doesNotContain("[MASK]");
    }

    @Test
    void truncationKeepsTheBudgetIncludingSpecialTokens() {
        WordPieceTokenizer t = tok.withTruncation(Truncation.of(6));
        Encoding e = t.encoding("one two three four five six seven");
        assertThat(e.tokens()).containsExactly("[CLS]", "one", "two", "three", "four", "[SEP]");
        assertThat(t.encode("one two three four five six seven")).isEqualTo(e.ids());
        Encoding pair = t.encoding("one two three four five", "six", true);
        // budget 6 - 3 specials = 3: the shorter keeps its 1 token, the longer gets 2
        assertThat(pair.tokens()).containsExactly("[CLS]", "one", "two", "[SEP]", "six", "[SEP]");
        Encoding both = t.encoding("one two three four", "five six seven eight", true);
        // both too long: Hugging Face gives the first budget / 2 and the second the rest
        assertThat(both.tokens()).containsExactly("[CLS]", "one", "[SEP]", "five", "six", "[SEP]");
        WordPieceTokenizer left = tok.withTruncation(new Truncation(5, Truncation.Strategy.ONLY_FIRST, 0, true));
        assertThat(left.encoding("one two three", "four", true).tokens()).containsExactly("[CLS]", "three", "[SEP]", "four", "[SEP]");
        assertThat(left.encoding("one two three four").tokens()).containsExactly("[CLS]", "two", "three", "four", "[SEP]");
        assertThatThrownBy(() -> left.encoding("one", "two three", true)).hasMessageContaining("nothing of the first sequence");
    }

    @Test
    void paddingFixedAndBatchLongest() {
        WordPieceTokenizer fixed = tok.withPadding(Padding.fixed(6, "[PAD]", 0));
        Encoding e = fixed.encoding("to be");
        assertThat(e.ids()).containsExactly(2, tok.id("to"), tok.id("be"), 3, 0, 0);
        assertThat(e.attentionMask()).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(e.specialTokensMask()).containsExactly(1, 0, 0, 1, 1, 1);
        WordPieceTokenizer batch = tok.withPadding(new Padding(0, 4, 0, 0, "[PAD]", true));
        List<Encoding> es = batch.encodings(List.of("to be", "or not to be"));
        assertThat(es.get(0).length()).isEqualTo(8);
        assertThat(es.get(1).length()).isEqualTo(8);
        assertThat(es.get(0).tokens()).startsWith("[PAD]", "[PAD]", "[PAD]", "[PAD]", "[CLS]");
        // truncation and padding survive tokenizer.json
        WordPieceTokenizer both = tok.withTruncation(Truncation.of(8)).withPadding(Padding.fixed(8, "[PAD]", 0));
        WordPieceTokenizer back = WordPieceTokenizer.fromJson(both.toJson(), "x");
        assertThat(back.truncation()).isEqualTo(both.truncation());
        assertThat(back.padding()).isEqualTo(both.padding());
        assertThat(back.encoding("a b c d e f g h i j").length()).isEqualTo(8);
    }

    @Test
    void withoutTemplateNoSpecialTokens() {
        WordPieceTokenizer bare = tok.withPostProcessor(PostProcessor.NONE);
        assertThat(bare.encode("to be")).containsExactly(tok.id("to"), tok.id("be"));
        assertThat(tok.encodeWithoutSpecialTokens("to be")).containsExactly(tok.id("to"), tok.id("be"));
    }

    @Test
    void threadSafeEncodingGivesTheSameIds() {
        List<String> lines = Fixtures.shakespeareText().lines().limit(20_000).toList();
        List<int[]> sequential = lines.stream().map(tok::encode).toList();
        List<int[]> parallel = lines.parallelStream().map(tok::encode).toList();
        for (int i = 0; i < lines.size(); i++) {
            assertThat(parallel.get(i)).isEqualTo(sequential.get(i));
        }
    }

    @Test
    void oneMegabyteWithoutWhitespaceIsLinear() {
        long t0 = System.nanoTime();
        int[] ids = tok.encode("a".repeat(1 << 20));
        assertThat(ids).containsExactly(2, 1, 3); // longer than max_input_chars_per_word: [UNK]
        String mixed = "thequalityofmercyisnotstrained".repeat(35_000);
        Encoding e = tok.encoding(mixed);
        assertThat(e.ids()).containsExactly(2, 1, 3);
        assertThat(e.offsets()[1]).containsExactly(0, mixed.length());
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(1.0);
    }
}
