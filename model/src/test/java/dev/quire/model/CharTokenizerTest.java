package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ComponentKind;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void tinyShakespeareHasNanoGptsSixtyFiveCharacters() throws Exception {
        String text = Files.readString(Fixtures.shared().resolve("data").resolve("tinyshakespeare.txt"));
        CharTokenizer tokenizer = CharTokenizer.train(text);

        assertThat(tokenizer.vocabSize()).isEqualTo(65);
        // nanoGPT's prepare.py: chars = sorted(list(set(data))), so '\n' is 0, ' ' is 1, 'a' is 39.
        assertThat(tokenizer.token(0)).isEqualTo("\n");
        assertThat(tokenizer.token(1)).isEqualTo(" ");
        assertThat(tokenizer.encode("a")).containsExactly(39);
        int[] ids = tokenizer.encode(text);
        assertThat(ids).hasSize(text.length());
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void roundTripsAnyTextOfItsAlphabetIncludingCharactersBeyondTheBasicPlane() {
        String text = "héllo wörld 𝄞 — ünïcödé\n\t";
        CharTokenizer tokenizer = CharTokenizer.train(text);
        int[] ids = tokenizer.encode(text);
        assertThat(ids).hasSize(text.codePointCount(0, text.length()));
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.decode(new int[0])).isEmpty();
    }

    @Test
    void anUnknownCharacterIsRejectedNamingItAndItsIndex() {
        CharTokenizer tokenizer = CharTokenizer.train("abc ");
        assertThatThrownBy(() -> tokenizer.encode("ab cz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'z' (U+007A)")
                .hasMessageContaining("index 4")
                .hasMessageContaining("4 characters");
        assertThatThrownBy(() -> tokenizer.encode("a\u0007"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0007").hasMessageContaining("index 1");
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        CharTokenizer tokenizer = CharTokenizer.train("abc");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 3");
        assertThatThrownBy(() -> tokenizer.token(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id -1");
    }

    @Test
    void savesAndLoadsThroughTheComponent() {
        TokenizerFactory factory = Fixtures.create(ComponentKind.TOKENIZER, "char", TokenizerFactory.class);
        Tokenizer trained = factory.trainer().train(List.of("to be, ", "or not to be\n").iterator(), ProgressListener.NONE);
        assertThat(trained.factoryId()).isEqualTo("char");

        Tokenizer loaded = factory.load(trained.serialize());

        assertThat(loaded).isEqualTo(trained);
        assertThat(loaded.vocabSize()).isEqualTo(trained.vocabSize());
        assertThat(loaded.encode("not to be")).containsExactly(trained.encode("not to be"));
    }

    @Test
    void corruptStateAndEmptyCorporaAreRejected() {
        byte[] state = CharTokenizer.train("abc").serialize();
        assertThatThrownBy(() -> CharTokenizer.deserialize(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QCHR");
        assertThatThrownBy(() -> CharTokenizer.deserialize(java.util.Arrays.copyOf(state, state.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not match");
        assertThatThrownBy(() -> CharTokenizer.train(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no characters");
        assertThatThrownBy(() -> CharTokenizer.ofAlphabet(new int[] {97, 98, 97}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }
}
