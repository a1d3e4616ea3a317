package dev.quire.model;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.NoOptions;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.api.TokenizerTrainer;
import java.util.Iterator;

/** Provides {@code tokenizer: char}, the {@link CharTokenizer}. */
public final class CharTokenizerProvider implements ComponentProvider<TokenizerFactory, NoOptions> {

    /** For {@link java.util.ServiceLoader}. */
    public CharTokenizerProvider() {
    }

    @Override
    public ComponentKind kind() {
        return ComponentKind.TOKENIZER;
    }

    @Override
    public String id() {
        return CharTokenizer.FACTORY_ID;
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String description() {
        return "one token per character of the training corpus (nanoGPT's shakespeare_char)";
    }

    @Override
    public Class<NoOptions> optionsType() {
        return NoOptions.class;
    }

    @Override
    public NoOptions defaultOptions() {
        return NoOptions.INSTANCE;
    }

    @Override
    public TokenizerFactory create(NoOptions options) {
        return new Factory();
    }

    /** Trains by collecting the corpus's characters; loads {@link CharTokenizer#serialize()} output. */
    private static final class Factory implements TokenizerFactory {

        @Override
        public TokenizerTrainer trainer() {
            return (Iterator<String> documents, ProgressListener progress) -> {
                long[] count = {0};
                Iterator<String> counted = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return documents.hasNext();
                    }

                    @Override
                    public String next() {
                        progress.update(++count[0], -1, "");
                        return documents.next();
                    }
                };
                Tokenizer tokenizer = CharTokenizer.train(counted);
                progress.update(count[0], count[0], tokenizer.vocabSize() + " characters");
                return tokenizer;
            };
        }

        @Override
        public Tokenizer load(byte[] state) {
            return CharTokenizer.deserialize(state);
        }
    }
}
