package dev.quire.tokenizer.bpe;

/** The text to encode contains a special token that the {@link SpecialPolicy} disallows. */
public final class DisallowedSpecialTokenException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String token;
    private final int index;

    DisallowedSpecialTokenException(String token, int index) {
        super("the text contains the disallowed special token '" + token + "' at character " + index
                + "; allow it to encode it as a special token, or use SpecialPolicy.ORDINARY (or remove it"
                + " from the disallowed set) to encode it as ordinary text");
        this.token = token;
        this.index = index;
    }

    /** The special token found. */
    public String token() {
        return token;
    }

    /** Its UTF-16 index in the text. */
    public int index() {
        return index;
    }
}
