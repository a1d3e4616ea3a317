package dev.quire.tokenizer.wordpiece;

import java.util.Map;

/** Hugging Face's {@code WhitespaceSplit}: splits on whitespace (removed) and nothing else. */
public final class WhitespaceSplit implements PreTokenizer {

    /** The only instance; the part has no settings. */
    public static final WhitespaceSplit INSTANCE = new WhitespaceSplit();

    private WhitespaceSplit() {
    }

    @Override
    public int[] split(NormalizedText text) {
        char[] buf = text.buffer();
        int n = text.length();
        IntList spans = new IntList();
        int wordStart = -1;
        for (int i = 0; i < n; i++) {
            char c = buf[i];
            boolean space = !Character.isSurrogate(c) && UnicodeClasses.isRustWhitespace(c);
            if (!space) {
                if (wordStart < 0) {
                    wordStart = i;
                }
            } else if (wordStart >= 0) {
                spans.add(wordStart);
                spans.add(i);
                wordStart = -1;
            }
        }
        if (wordStart >= 0) {
            spans.add(wordStart);
            spans.add(n);
        }
        return spans.toArray();
    }

    @Override
    public Object toJson() {
        return Map.of("type", "WhitespaceSplit");
    }

    @Override
    public String toString() {
        return "WhitespaceSplit";
    }
}
