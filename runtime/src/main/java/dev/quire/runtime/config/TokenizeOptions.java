package dev.quire.runtime.config;

/**
 * Options of the {@code tokenize} stage: trains the pipeline's {@code tokenizer} on the corpus (or
 * loads the file its options name) and leaves it for the stages after it.
 *
 * @param save write the tokenizer into the output directory: {@code tokenizer.json} for tokenizers
 *             whose state is a Hugging Face {@code tokenizer.json} ({@code bpe}, {@code wordpiece}),
 *             {@code tokenizer-<id>.bin} (the checkpoint's serialized form) for the others ({@code char})
 */
public record TokenizeOptions(boolean save) {

    /** Save the tokenizer. */
    public static final TokenizeOptions DEFAULTS = new TokenizeOptions(true);
}
