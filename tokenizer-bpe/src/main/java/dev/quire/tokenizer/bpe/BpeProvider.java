package dev.quire.tokenizer.bpe;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.api.TokenizerTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/** Provides {@code tokenizer: bpe}: byte-level BPE configured by {@link BpeOptions}. */
public final class BpeProvider implements ComponentProvider<TokenizerFactory, BpeOptions> {

    /** The version recorded in checkpoints. */
    public static final String VERSION = "0.1.0";

    /** Public no-argument constructor for ServiceLoader. */
    public BpeProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.TOKENIZER;
    }

    @Override
    public String id() {
        return BpeTokenizer.FACTORY_ID;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String description() {
        return "byte-level BPE: tiktoken encodings (r50k, cl100k, o200k), Hugging Face tokenizer.json, BpeTrainer training";
    }

    @Override
    public Class<BpeOptions> optionsType() {
        return BpeOptions.class;
    }

    @Override
    public BpeOptions defaultOptions() {
        return BpeOptions.DEFAULTS;
    }

    @Override
    public TokenizerFactory create(BpeOptions options) {
        return new Factory(options);
    }

    /** Trains (or loads the configured file) and restores serialized tokenizers. */
    private record Factory(BpeOptions options) implements TokenizerFactory {

        @Override
        public TokenizerTrainer trainer() {
            if (options.file().isEmpty()) {
                return new BpeTrainer(options.vocabSize(), options.minFrequency(), options.specialTokens());
            }
            return (Iterator<String> documents, ProgressListener progress) -> {
                Path file = Path.of(options.file());
                progress.update(0, 1, "loading " + file.getFileName());
                Tokenizer t = load(file);
                progress.update(1, 1, t.vocabSize() + " ids");
                return t;
            };
        }

        private BpeTokenizer load(Path file) {
            try {
                return options.encoding().isEmpty()
                        ? BpeTokenizer.loadTokenizerJson(file)
                        : BpeTokenizer.tiktoken(options.encoding(), file);
            } catch (IOException e) {
                throw new IllegalArgumentException("bpe option 'file': cannot read " + file + ": " + e, e);
            }
        }

        @Override
        public Tokenizer load(byte[] state) {
            return BpeTokenizer.deserialize(state);
        }
    }
}
