package dev.quire.tokenizer.wordpiece;

import java.util.Map;

/**
 * Hugging Face's {@code BertPreTokenizer}: splits on whitespace (Rust's {@code char::is_whitespace},
 * removed), then isolates every punctuation character (ASCII punctuation or a Unicode P* category)
 * as a word of its own.
 */
public final class BertPreTokenizer implements PreTokenizer {

    /** The only instance; the part has no settings. */
    public static final BertPreTokenizer INSTANCE = new BertPreTokenizer();

    static final byte WORD = 0;
    static final byte SPACE = 1;
    static final byte PUNCT = 2;
    static final byte SURROGATE = 3;

    /** The class of every BMP unit; surrogates are classified by their code point. */
    static final byte[] CLASS = new byte[65536];

    static {
        for (int c = 0; c < 65536; c++) {
            if (Character.isSurrogate((char) c)) {
                CLASS[c] = SURROGATE;
            } else {
                CLASS[c] = classOf(c);
            }
        }
    }

    private BertPreTokenizer() {
    }

    static byte classOf(int cp) {
        if (UnicodeClasses.isRustWhitespace(cp)) {
            return SPACE;
        }
        if (UnicodeClasses.isBertPunctuation(cp)) {
            return PUNCT;
        }
        return WORD;
    }

    @Override
    public int[] split(NormalizedText text) {
        char[] buf = text.buffer();
        int n = text.length();
        IntList spans = new IntList(Math.max(8, n / 3));
        int wordStart = -1;
        for (int i = 0; i < n; i++) {
            char c = buf[i];
            byte k = CLASS[c];
            int width = 1;
            if (k == SURROGATE) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(buf[i + 1])) {
                    k = classOf(Character.toCodePoint(c, buf[i + 1]));
                    width = 2;
                } else {
                    k = WORD;
                }
            }
            if (k == WORD) {
                if (wordStart < 0) {
                    wordStart = i;
                }
            } else {
                if (wordStart >= 0) {
                    spans.add(wordStart);
                    spans.add(i);
                    wordStart = -1;
                }
                if (k == PUNCT) {
                    spans.add(i);
                    spans.add(i + width);
                }
            }
            i += width - 1;
        }
        if (wordStart >= 0) {
            spans.add(wordStart);
            spans.add(n);
        }
        return spans.toArray();
    }

    @Override
    public Object toJson() {
        return Map.of("type", "BertPreTokenizer");
    }

    @Override
    public String toString() {
        return "BertPreTokenizer";
    }
}
