package dev.quire.tokenizer.wordpiece;

import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.api.TokenizerTrainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The {@code wordpiece} tokenizer component: trains a {@link WordPieceTokenizer} on the corpus, or
 * (when {@link WordPieceOptions#file()} is set) uses the {@code tokenizer.json} / {@code vocab.txt}
 * given; restores checkpointed tokenizers from their {@code tokenizer.json} bytes.
 */
public final class WordPieceFactory implements TokenizerFactory {

    private final WordPieceOptions options;

    public WordPieceFactory(WordPieceOptions options) {
        this.options = options;
    }

    public WordPieceOptions options() {
        return options;
    }

    @Override
    public TokenizerTrainer trainer() {
        if (!options.file().isEmpty()) {
            Path file = Path.of(options.file());
            return (documents, progress) -> {
                try {
                    WordPieceTokenizer t = WordPieceTokenizer.load(file);
                    progress.update(1, 1, "loaded " + file);
                    return t;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
                }
            };
        }
        return new WordPieceTrainer(options.trainerConfig());
    }

    @Override
    public Tokenizer load(byte[] state) {
        return WordPieceTokenizer.deserialize(state);
    }
}
