package dev.quire.tokenizer.wordpiece;

import java.util.Arrays;

/**
 * Text after normalization, with its alignment to the original: for every UTF-16 unit of the
 * normalized text, the span {@code [start, end)} of the original text it came from, in Unicode
 * code points of the original (Python string indices, as Hugging Face reports offsets).
 *
 * <p>Built by a {@link Normalizer}; read by a {@link PreTokenizer} and the model. Not thread-safe
 * while being built; treat as read-only afterwards.
 */
public final class NormalizedText {

    private char[] chars;
    private int[] starts;
    private int[] ends;
    private int length;

    /** An empty text with room for {@code capacity} units. */
    public NormalizedText(int capacity) {
        int c = Math.max(16, capacity);
        chars = new char[c];
        starts = new int[c];
        ends = new int[c];
    }

    /** The identity normalization of {@code text}: each unit aligned to its own code point. */
    public static NormalizedText identity(String text) {
        NormalizedText n = new NormalizedText(text.length());
        int cp = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            n.append(c, cp, cp + 1);
            if (!(Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))) {
                cp++;
            }
        }
        return n;
    }

    /** Appends one unit that came from the original span {@code [start, end)}. */
    public void append(char c, int start, int end) {
        if (length == chars.length) {
            int n = chars.length * 2;
            chars = Arrays.copyOf(chars, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
        }
        chars[length] = c;
        starts[length] = start;
        ends[length] = end;
        length++;
    }

    /** Appends every unit of {@code s}, all aligned to {@code [start, end)}. */
    public void append(CharSequence s, int start, int end) {
        for (int i = 0; i < s.length(); i++) {
            append(s.charAt(i), start, end);
        }
    }

    /** Adds {@code delta} to every alignment (used when a segment of a longer text was normalized alone). */
    void shift(int delta) {
        if (delta == 0) {
            return;
        }
        for (int i = 0; i < length; i++) {
            starts[i] += delta;
            ends[i] += delta;
        }
    }

    /** Number of UTF-16 units. */
    public int length() {
        return length;
    }

    /** The unit at {@code i}. */
    public char charAt(int i) {
        return chars[i];
    }

    /** The backing array; only the first {@link #length()} units are meaningful. */
    char[] buffer() {
        return chars;
    }

    /** Start (code point index in the original) of the unit at {@code i}. */
    public int start(int i) {
        return starts[i];
    }

    /** End (exclusive code point index in the original) of the unit at {@code i}. */
    public int end(int i) {
        return ends[i];
    }

    /** The normalized units {@code [from, to)} as a string. */
    public String substring(int from, int to) {
        return new String(chars, from, to - from);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
