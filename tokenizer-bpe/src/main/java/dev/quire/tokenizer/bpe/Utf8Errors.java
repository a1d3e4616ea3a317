package dev.quire.tokenizer.bpe;

/** What decoding does with bytes that are not valid UTF-8 (a token sequence cut inside a character). */
public enum Utf8Errors {
    /**
     * Each maximal ill-formed subsequence becomes U+FFFD, as Python's {@code errors="replace"} (tiktoken's
     * and Hugging Face's default).
     */
    REPLACE,
    /** Invalid UTF-8 is an {@link IllegalArgumentException} naming the byte offset. */
    STRICT
}
