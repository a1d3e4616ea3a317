package dev.quire.tokenizer.bpe;

import java.util.Arrays;

/**
 * Turns token ids, fed one at a time (as a model generates them), into text, yielding characters only
 * once their UTF-8 is complete: a token that ends inside a multi-byte character yields the characters
 * before it and keeps the partial bytes until the next token completes them. Not thread-safe; make one
 * per stream with {@link BpeTokenizer#streamingDecoder(Utf8Errors)}.
 */
public final class StreamingDecoder {

    private final BpeTokenizer tokenizer;
    private final Utf8Errors errors;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private long consumed;

    StreamingDecoder(BpeTokenizer tokenizer, Utf8Errors errors) {
        this.tokenizer = tokenizer;
        this.errors = errors;
    }

    /**
     * Adds one token and returns the text it completes (possibly empty).
     *
     * @throws IllegalArgumentException if {@code id} is not in the vocabulary, or (with
     *         {@link Utf8Errors#STRICT}) if the bytes so far cannot be UTF-8
     */
    public String push(int id) {
        byte[] bytes = tokenizer.bytesOf(id, 0);
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        StringBuilder out = new StringBuilder(pendingLength);
        int used = Utf8.decode(pending, 0, pendingLength, out, false, errors, consumed);
        System.arraycopy(pending, used, pending, 0, pendingLength - used);
        pendingLength -= used;
        consumed += used;
        return out.toString();
    }

    /** Whether bytes of an incomplete character are waiting for the next token. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /**
     * Ends the stream: returns U+FFFD for an incomplete character left over (or, with
     * {@link Utf8Errors#STRICT}, throws), and resets the decoder.
     */
    public String finish() {
        StringBuilder out = new StringBuilder();
        Utf8.decode(pending, 0, pendingLength, out, true, errors, consumed);
        consumed += pendingLength;
        pendingLength = 0;
        return out.toString();
    }
}
