package dev.quire.api;

/**
 * Turns text into token ids and back. Implementations are immutable and safe to use from many
 * threads at once.
 *
 * <p>Contract: {@code encode} accepts any Java string, except that a tokenizer over a closed
 * alphabet (the character tokenizer) rejects a character outside it with
 * {@link IllegalArgumentException} naming the character and its index; every id it returns is in
 * {@code [0, vocabSize())}; {@code decode} rejects ids outside that range with
 * {@link IllegalArgumentException} naming the id. For lossless tokenizers (byte-level BPE,
 * the character tokenizer over its alphabet) {@code decode(encode(s)).equals(s)}.
 */
public interface Tokenizer {

    /** The id of the {@link TokenizerFactory} component that can {@link TokenizerFactory#load load} this tokenizer. */
    String factoryId();

    /** Number of distinct ids, including special tokens. */
    int vocabSize();

    /** Token ids of {@code text}. */
    int[] encode(String text);

    /** The text of {@code ids}, concatenated. */
    String decode(int[] ids);

    /** The text of one token, as shown to a person (may be a placeholder for partial UTF-8). */
    String token(int id);

    /**
     * The complete state of this tokenizer, from which {@link TokenizerFactory#load} rebuilds an
     * equal tokenizer; stored inside checkpoints so that a checkpoint is self-contained.
     */
    byte[] serialize();
}
