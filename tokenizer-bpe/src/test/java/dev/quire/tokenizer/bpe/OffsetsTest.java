package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Offsets: every token's span of the input. */
class OffsetsTest {

    @Test
    void wordsAndSpecials() {
        BpeTokenizer tok = Fixtures.encoding("cl100k_base");
        Encoding e = tok.encodeWithOffsets("hello world<|endoftext|>!");
        assertThat(e.ids()).containsExactly(15339, 1917, 100257, 0);
        assertThat(e.starts()).containsExactly(0, 5, 11, 24);
        assertThat(e.ends()).containsExactly(5, 11, 24, 25);
    }

    @Test
    void partialCharactersGetTheWholeCharactersSpan() {
        BpeTokenizer tok = Fixtures.encoding("r50k_base");
        String text = "a👋b";
        Encoding e = tok.encodeWithOffsets(text);
        assertThat(e.size()).isGreaterThan(3);
        for (int i = 1; i < e.size() - 1; i++) {
            assertThat(e.starts()[i]).isEqualTo(1);
            assertThat(e.ends()[i]).isEqualTo(3);
        }
        Encoding cp = e.inCodePoints(text);
        assertThat(cp.starts()[1]).isEqualTo(1);
        assertThat(cp.ends()[1]).isEqualTo(2);
        assertThat(cp.ends()[cp.size() - 1]).isEqualTo(3);
    }

    @Test
    void spansCoverTheTextAndMatchTheTokens() {
        Random random = new Random(5);
        for (String name : Fixtures.ENCODINGS) {
            BpeTokenizer tok = Fixtures.encoding(name);
            for (int it = 0; it < 300; it++) {
                String s = TiktokenReferenceTest.randomText(random, random.nextInt(30));
                Encoding e = tok.encodeWithOffsets(s);
                assertThat(e.ids()).containsExactly(tok.encode(s));
                int covered = 0;
                for (int i = 0; i < e.size(); i++) {
                    assertThat(e.starts()[i]).isLessThanOrEqualTo(covered);
                    assertThat(e.ends()[i]).isGreaterThan(e.starts()[i]);
                    covered = Math.max(covered, e.ends()[i]);
                    if (!tok.token(e.ids()[i]).contains("\uFFFD")) {
                        assertThat(s.substring(e.starts()[i], e.ends()[i])).isEqualTo(tok.token(e.ids()[i]));
                    }
                }
                assertThat(covered).isEqualTo(s.length());
            }
        }
    }
}
