package dev.quire.tokenizer.wordpiece;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.TokenizerFactory;

/** Provides the tokenizer component {@code wordpiece}. Stateless. */
public final class WordPieceProvider implements ComponentProvider<TokenizerFactory, WordPieceOptions> {

    /** The version recorded in checkpoints. */
    public static final String VERSION = "0.1.0";

    @Override
    public ComponentKind kind() {
        return ComponentKind.TOKENIZER;
    }

    @Override
    public String id() {
        return WordPieceTokenizer.FACTORY_ID;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String description() {
        return "BERT WordPiece (Hugging Face compatible, linear-time LinMaxMatch; tokenizer.json and vocab.txt)";
    }

    @Override
    public Class<WordPieceOptions> optionsType() {
        return WordPieceOptions.class;
    }

    @Override
    public WordPieceOptions defaultOptions() {
        return WordPieceOptions.DEFAULTS;
    }

    @Override
    public TokenizerFactory create(WordPieceOptions options) {
        return new WordPieceFactory(options);
    }
}
