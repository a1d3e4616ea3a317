package dev.quire.tokenizer.wordpiece;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wordpiece component: options, training, checkpoint state. */
class ProviderTest {

    @Test
    void describesItself() {
        WordPieceProvider p = new WordPieceProvider();
        assertThat(p.kind()).isEqualTo(ComponentKind.TOKENIZER);
        assertThat(p.id()).isEqualTo("wordpiece");
        assertThat(p.version()).isEqualTo("0.1.0");
        assertThat(p.optionsType()).isEqualTo(WordPieceOptions.class);
        assertThat(p.defaultOptions().vocabSize()).isEqualTo(30_000);
        assertThat(p.createUnchecked(p.defaultOptions())).isInstanceOf(TokenizerFactory.class);
        Module m = WordPieceProvider.class.getModule();
        if (m.isNamed()) {
            assertThat(m.getDescriptor().provides()).anySatisfy(pr -> {
                assertThat(pr.service()).isEqualTo(ComponentProvider.class.getName());
                assertThat(pr.providers()).contains(WordPieceProvider.class.getName());
            });
        }
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new WordPieceOptions("", 3, 0, List.of("[PAD]", "[UNK]", "[CLS]"), true))
                .hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> new WordPieceOptions("", 100, -1, List.of("[UNK]"), true)).hasMessageContaining("minFrequency");
        assertThatThrownBy(() -> new WordPieceOptions("", 100, 0, List.of("[PAD]"), true)).hasMessageContaining("[UNK]");
    }

    @Test
    void trainsAndRestoresFromCheckpointState() {
        TokenizerFactory f = new WordPieceProvider().create(new WordPieceOptions("", 500, 2, WordPieceOptions.DEFAULTS.specialTokens(), true));
        List<String> lines = Fixtures.shakespeareText().lines().limit(5000).toList();
        Tokenizer t = f.trainer().train(lines.iterator(), ProgressListener.NONE);
        assertThat(t.factoryId()).isEqualTo("wordpiece");
        assertThat(t.vocabSize()).isEqualTo(500);
        Tokenizer back = f.load(t.serialize());
        String text = "Before we proceed any further, hear me speak.";
        assertThat(back.encode(text)).isEqualTo(t.encode(text));
        assertThat(back.decode(back.encode(text))).isEqualTo(t.decode(t.encode(text)));
        assertThatThrownBy(() -> f.load("{\"model\": 3}".getBytes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.model: expected an object");
    }

    @Test
    void usesAGivenTokenizerFile() {
        String file = Fixtures.reference("hf_wordpiece_1000.tokenizer.json").toString();
        TokenizerFactory f = new WordPieceProvider().create(new WordPieceOptions(file, 1000, 0, List.of(), true));
        Tokenizer t = f.trainer().train(List.<String>of().iterator(), ProgressListener.NONE);
        assertThat(t.encode("hello")).isEqualTo(Fixtures.hf(1000).encode("hello"));
    }
}
