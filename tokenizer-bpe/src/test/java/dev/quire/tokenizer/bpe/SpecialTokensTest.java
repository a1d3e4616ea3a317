package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** tiktoken's allowed / disallowed special-token semantics. */
class SpecialTokensTest {

    private final BpeTokenizer cl100k = Fixtures.encoding("cl100k_base");
    private final String text = "hello<|endoftext|>world<|fim_prefix|>!";

    @Test
    void allowAllTreatsEveryRegisteredTokenAsSpecial() {
        assertThat(cl100k.encode(text)).containsExactly(15339, 100257, 14957, 100258, 0);
        assertThat(cl100k.encode(text, SpecialPolicy.ALLOW_ALL)).containsExactly(15339, 100257, 14957, 100258, 0);
    }

    @Test
    void ordinaryEncodesThemAsText() {
        int[] ids = cl100k.encode(text, SpecialPolicy.ORDINARY);
        assertThat(ids).doesNotContain(100257, 100258);
        assertThat(ids).containsExactly(cl100k.encodeOrdinary(text));
        assertThat(cl100k.decode(ids)).isEqualTo(text);
    }

    @Test
    void refuseNamesTheTokenAndItsPosition() {
        assertThatThrownBy(() -> cl100k.encode(text, SpecialPolicy.REFUSE))
                .isInstanceOf(DisallowedSpecialTokenException.class)
                .hasMessageContaining("'<|endoftext|>'")
                .hasMessageContaining("character 5")
                .satisfies(e -> {
                    DisallowedSpecialTokenException d = (DisallowedSpecialTokenException) e;
                    assertThat(d.token()).isEqualTo("<|endoftext|>");
                    assertThat(d.index()).isEqualTo(5);
                });
        assertThat(cl100k.encode("no specials here", SpecialPolicy.REFUSE)).containsExactly(cl100k.encodeOrdinary("no specials here"));
    }

    @Test
    void allowingSomeRefusesTheOthers() {
        assertThatThrownBy(() -> cl100k.encode(text, SpecialPolicy.allow(Set.of("<|endoftext|>"))))
                .hasMessageContaining("'<|fim_prefix|>'").hasMessageContaining("character 23");
        assertThat(cl100k.encode("a<|endoftext|>", SpecialPolicy.allow(Set.of("<|endoftext|>")))).containsExactly(64, 100257);
    }

    @Test
    void allowedButNotDisallowedLeavesTheRestAsText() {
        int[] ids = cl100k.encode(text, new SpecialPolicy(Set.of("<|endoftext|>"), Set.of()));
        assertThat(ids).contains(100257).doesNotContain(100258);
        assertThat(cl100k.decode(ids)).isEqualTo(text);
    }

    @Test
    void disallowedMayBeAnyString() {
        assertThatThrownBy(() -> cl100k.encode("a secret b", new SpecialPolicy(Set.of(), Set.of("secret"))))
                .hasMessageContaining("'secret'").hasMessageContaining("character 2");
    }

    @Test
    void customSpecialTokensWithIds() {
        BpeTokenizer base = Fixtures.encoding("r50k_base");
        byte[][] ranks = TiktokenFile.parse(base.tiktokenText(), "r50k");
        BpeTokenizer t = BpeTokenizer.fromRanks("custom", PreTokenizer.R50K_BASE, ranks,
                Map.of("<|endoftext|>", 50256, "<|im_start|>", 50300, "<|im|>", 50301));
        assertThat(t.vocabSize()).isEqualTo(50302);
        // Leftmost, then longest: "<|im_start|>" wins over "<|im|>" only where it matches.
        assertThat(t.encode("<|im_start|>x<|im|>")).containsExactly(50300, 87, 50301);
        assertThat(t.isAssigned(50257)).isFalse();
        assertThatThrownBy(() -> BpeTokenizer.fromRanks("bad", PreTokenizer.R50K_BASE, ranks, Map.of("<x>", 10)))
                .hasMessageContaining("already the id of an ordinary token");
    }
}
