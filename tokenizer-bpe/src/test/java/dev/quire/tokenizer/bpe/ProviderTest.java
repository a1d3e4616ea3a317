package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The component {@code tokenizer: bpe}: discovery, options, training, loading, checkpoint state. */
class ProviderTest {

    @Test
    void foundByServiceLoader() {
        // Tests run inside this module, which provides but does not use the service.
        BpeProvider.class.getModule().addUses(ComponentProvider.class);
        List<ComponentProvider<?, ?>> found = ServiceLoader.load(ComponentProvider.class).stream()
                .<ComponentProvider<?, ?>>map(p -> p.get())
                .filter(p -> p.kind() == ComponentKind.TOKENIZER && p.id().equals("bpe")).toList();
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().version()).isEqualTo("0.1.0");
        assertThat(found.getFirst().optionsType()).isEqualTo(BpeOptions.class);
        assertThat(ProviderTest.class.getResource("/META-INF/services/dev.quire.api.ComponentProvider")).isNotNull();
    }

    @Test
    void optionsValidateNamingTheOption() {
        assertThatThrownBy(() -> new BpeOptions("p99k", "x", 10, 0, List.of())).hasMessageContaining("bpe option 'encoding'");
        assertThatThrownBy(() -> new BpeOptions("cl100k_base", "", 10, 0, List.of())).hasMessageContaining("bpe option 'file'");
        assertThatThrownBy(() -> new BpeOptions("", "ranks.tiktoken", 10, 0, List.of())).hasMessageContaining("bpe option 'encoding'");
        assertThatThrownBy(() -> new BpeOptions("cl100k_base", "t.json", 10, 0, List.of())).hasMessageContaining("must be empty");
        assertThatThrownBy(() -> new BpeOptions("", "", 0, 0, List.of())).hasMessageContaining("bpe option 'vocabSize'");
        assertThatThrownBy(() -> new BpeOptions("", "", 10, -1, List.of())).hasMessageContaining("bpe option 'minFrequency'");
        assertThatThrownBy(() -> new BpeOptions("", "", 10, 0, List.of("<a>", "<a>"))).hasMessageContaining("repeats '<a>'");
        assertThat(new BpeProvider().defaultOptions()).isEqualTo(BpeOptions.DEFAULTS);
    }

    @Test
    void trainsThroughTheFactoryAndRestoresFromState() {
        TokenizerFactory f = new BpeProvider().create(new BpeOptions("", "", 400, 2, List.of("<|endoftext|>")));
        List<String> corpus = Fixtures.shakespeare().lines().limit(3000).toList();
        Tokenizer t = f.trainer().train(corpus.iterator(), ProgressListener.NONE);
        assertThat(t.factoryId()).isEqualTo("bpe");
        assertThat(t.vocabSize()).isEqualTo(400);
        Tokenizer back = f.load(t.serialize());
        String sample = String.join("\n", corpus.subList(0, 200));
        assertThat(back.encode(sample)).containsExactly(t.encode(sample));
        assertThat(back.decode(back.encode(sample))).isEqualTo(sample);
    }

    @Test
    void loadsARankFileThroughTheFactoryAndRestoresFromState() {
        TokenizerFactory f = new BpeProvider().create(
                new BpeOptions("o200k_base", Fixtures.rankFile("o200k_base").toString(), 1, 0, List.of()));
        Tokenizer t = f.trainer().train(List.<String>of().iterator(), ProgressListener.NONE);
        assertThat(t.vocabSize()).isEqualTo(200019);
        byte[] state = t.serialize();
        BpeTokenizer back = (BpeTokenizer) f.load(state);
        assertThat(back.name()).isEqualTo("o200k_base");
        assertThat(back.specialTokens()).isEqualTo(((BpeTokenizer) t).specialTokens());
        String sample = Fixtures.shakespeare().substring(0, 20_000) + "<|endoftext|>";
        assertThat(back.encode(sample)).containsExactly(t.encode(sample));
    }

    @Test
    void loadsATokenizerJsonThroughTheFactory() {
        TokenizerFactory f = new BpeProvider().create(
                new BpeOptions("", Fixtures.hfTokenizerJson(4096).toString(), 1, 0, List.of()));
        Tokenizer t = f.trainer().train(List.<String>of().iterator(), ProgressListener.NONE);
        assertThat(t.encode("hello<|endoftext|>world")).containsExactly(Fixtures.huggingFace(4096).encode("hello<|endoftext|>world"));
        assertThat(f.load(t.serialize()).encode("To be, or not to be")).containsExactly(t.encode("To be, or not to be"));
    }

    @Test
    void missingFileIsAClearError() {
        TokenizerFactory f = new BpeProvider().create(new BpeOptions("", "/nonexistent/tokenizer.json", 1, 0, List.of()));
        assertThatThrownBy(() -> f.trainer().train(List.<String>of().iterator(), ProgressListener.NONE))
                .hasMessageContaining("bpe option 'file': cannot read /nonexistent/tokenizer.json");
    }
}
