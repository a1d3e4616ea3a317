package dev.quire.tokenizer.wordpiece;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds added tokens ({@code [CLS]}, {@code [MASK]}, ...) in raw text, leftmost and then longest
 * first, as Hugging Face's added vocabulary does, honouring {@code single_word}, {@code lstrip} and
 * {@code rstrip}.
 */
final class AddedVocabulary {

    private final List<AddedToken> byLength;
    private final boolean[] firstChar = new boolean[65536];
    final boolean empty;

    AddedVocabulary(List<AddedToken> tokens) {
        byLength = new ArrayList<>(tokens);
        byLength.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
        for (AddedToken t : tokens) {
            firstChar[t.content().charAt(0)] = true;
        }
        empty = tokens.isEmpty();
    }

    /**
     * The matches in {@code text} as {@code [start, end, index-into-matchedTokens] ...} in UTF-16
     * units, in order; the tokens themselves are appended to {@code matched}.
     */
    int[] find(String text, List<AddedToken> matched) {
        if (empty) {
            return null;
        }
        IntList out = null;
        int n = text.length();
        int lastEnd = 0;
        for (int i = 0; i < n; i++) {
            if (!firstChar[text.charAt(i)]) {
                continue;
            }
            for (AddedToken t : byLength) {
                String c = t.content();
                if (!text.startsWith(c, i)) {
                    continue;
                }
                int end = i + c.length();
                if (t.singleWord() && ((i > 0 && isWordChar(text.codePointBefore(i)))
                        || (end < n && isWordChar(text.codePointAt(end))))) {
                    continue;
                }
                int s = i;
                if (t.lstrip()) {
                    while (s > lastEnd && UnicodeClasses.isRustWhitespace(text.charAt(s - 1))) {
                        s--;
                    }
                }
                int e = end;
                if (t.rstrip()) {
                    while (e < n && UnicodeClasses.isRustWhitespace(text.charAt(e))) {
                        e++;
                    }
                }
                if (out == null) {
                    out = new IntList();
                }
                out.add(s);
                out.add(e);
                out.add(matched.size());
                matched.add(t);
                lastEnd = e;
                i = e - 1;
                break;
            }
        }
        return out == null ? null : out.toArray();
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
