package dev.quire.tokenizer.bpe;

/**
 * Token ids with, for every token, the span {@code [start, end)} of the input it came from.
 *
 * <p>Offsets are UTF-16 indices into the input string (Java's {@code String} indices) unless the value
 * came from {@link #inCodePoints(String)}. A token that holds only some of the bytes of a character (a
 * byte-level token inside an emoji, say) has the span of the whole character, as Hugging Face reports
 * it; so neighbouring tokens may share a span. A special token's span is its text.
 *
 * @param ids    token ids
 * @param starts start offset of each token
 * @param ends   end offset (exclusive) of each token
 */
public record Encoding(int[] ids, int[] starts, int[] ends) {

    /** Checks that the three arrays have the same length. */
    public Encoding {
        if (starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("ids, starts and ends differ in length: " + ids.length + ", "
                    + starts.length + ", " + ends.length);
        }
    }

    /** The number of tokens. */
    public int size() {
        return ids.length;
    }

    /**
     * The same encoding with offsets counted in Unicode code points of {@code text} (Python string
     * indices, as Hugging Face's Python binding reports them).
     */
    public Encoding inCodePoints(String text) {
        int[] cp = new int[text.length() + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i++) {
            cp[i] = k;
            if (!(Character.isLowSurrogate(text.charAt(i)) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
                k++;
            } else {
                cp[i] = k - 1;
            }
        }
        cp[text.length()] = k;
        int[] s = new int[starts.length];
        int[] e = new int[ends.length];
        for (int t = 0; t < s.length; t++) {
            s[t] = cp[starts[t]];
            e[t] = cp[ends[t]];
        }
        return new Encoding(ids, s, e);
    }
}
