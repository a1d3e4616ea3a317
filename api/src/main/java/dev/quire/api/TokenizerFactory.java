package dev.quire.api;

/**
 * The component of kind {@link ComponentKind#TOKENIZER}: makes tokenizers of one family, either
 * by training on a corpus or by restoring saved state.
 */
public interface TokenizerFactory {

    /** A trainer configured by this component's options. */
    TokenizerTrainer trainer();

    /**
     * Rebuilds a tokenizer from {@link Tokenizer#serialize()} output.
     *
     * @throws IllegalArgumentException if {@code state} is not a valid state of this family; the
     *         message says what is wrong and where
     */
    Tokenizer load(byte[] state);
}
