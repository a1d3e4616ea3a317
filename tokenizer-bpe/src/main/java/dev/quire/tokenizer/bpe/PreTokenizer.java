package dev.quire.tokenizer.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-tokenization rules of tiktoken's encodings: they cut text into pieces (words with their
 * leading space, runs of digits, punctuation, whitespace) and BPE then runs inside each piece.
 *
 * <p>Each rule is tiktoken's regular expression (see {@link #regex()}, from {@code openai_public.py}),
 * implemented as a hand-written scanner that returns exactly the pieces a backtracking regex engine
 * finds with {@code find_iter} (leftmost-first alternation, greedy and possessive quantifiers,
 * {@code \s} = Unicode {@code White_Space}, {@code \p{L}}, {@code \p{N}}, {@code \p{M}} = Unicode
 * general categories of the running JDK, case-insensitive contractions with Unicode simple case
 * folding, so {@code 'ſ} counts as {@code 's}). The tests hold every scanner against
 * {@link #javaPattern()} on all reference texts and on random strings.
 *
 * <p>{@link #R50K_BASE} is also the GPT-2 rule that Hugging Face's {@code ByteLevel} pre-tokenizer
 * uses. Scanners work on UTF-16 code units and step over surrogate pairs as one code point; a lone
 * surrogate counts as "other" (neither letter, number nor space).
 *
 * <p><b>Stability:</b> stable; constants may be added.
 */
public enum PreTokenizer {

    /** GPT-2 / {@code r50k_base} / {@code p50k_base}, and Hugging Face's {@code ByteLevel} pre-tokenizer. */
    R50K_BASE("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    /** {@code cl100k_base} (GPT-3.5, GPT-4). */
    CL100K_BASE("'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*"
            + "|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
    /** {@code o200k_base} (GPT-4o): case-aware word pieces that keep a following contraction. */
    O200K_BASE("[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private final String regex;

    PreTokenizer(String regex) {
        this.regex = regex;
    }

    /** The regular expression this scanner implements (tiktoken's pattern, in Java syntax). */
    public String regex() {
        return regex;
    }

    /**
     * The same rule as a {@link Pattern} (with {@code UNICODE_CHARACTER_CLASS}): slower, used by the
     * tests as the oracle for the scanner.
     */
    public Pattern javaPattern() {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** The lower-case name tiktoken gives the encoding that uses this rule ({@code cl100k_base}). */
    public String encodingName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The rule of tiktoken encoding {@code name} ({@code r50k_base}, {@code gpt2}, {@code p50k_base}, ...), or {@code null}. */
    public static PreTokenizer forEncoding(String name) {
        return switch (name) {
            case "r50k_base", "gpt2", "p50k_base", "p50k_edit" -> R50K_BASE;
            case "cl100k_base" -> CL100K_BASE;
            case "o200k_base", "o200k_harmony" -> O200K_BASE;
            default -> null;
        };
    }

    /**
     * The end (exclusive) of the piece that starts at {@code pos}: the match a regex engine would find
     * at {@code pos} in {@code s[0, end)}, treating {@code end} as the end of the text.
     * Requires {@code pos < end}.
     */
    public int next(char[] s, int pos, int end) {
        return switch (this) {
            case R50K_BASE -> nextR50k(s, pos, end);
            case CL100K_BASE -> nextCl100k(s, pos, end);
            case O200K_BASE -> nextO200k(s, pos, end);
        };
    }

    /** All pieces of {@code text}, in order (a convenience for tests and tools). */
    public List<String> split(String text) {
        char[] s = text.toCharArray();
        List<String> out = new ArrayList<>();
        for (int p = 0; p < s.length; ) {
            int e = next(s, p, s.length);
            out.add(text.substring(p, e));
            p = e;
        }
        return out;
    }

    /** The pieces {@link #javaPattern()} finds in {@code text} (the oracle). */
    public List<String> splitWithRegex(String text) {
        Matcher m = javaPattern().matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Character classes

    static final int LETTER = 1;       // \p{L}
    static final int NUMBER = 2;       // \p{N}
    static final int SPACE = 4;        // \s (White_Space)
    static final int UPPERISH = 8;     // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    static final int LOWERISH = 16;    // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
    static final int CRLF = 32;        // [\r\n]

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = (byte) computeClass(c);
        }
    }

    private static int computeClass(int cp) {
        int type = Character.getType(cp);
        int k = 0;
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> k = LETTER | UPPERISH;
            case Character.LOWERCASE_LETTER -> k = LETTER | LOWERISH;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> k = LETTER | UPPERISH | LOWERISH;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> k = UPPERISH | LOWERISH;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> k = NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> k = SPACE;
            default -> {
            }
        }
        if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) {
            k |= SPACE;
        }
        if (cp == '\r' || cp == '\n') {
            k |= CRLF;
        }
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            k = 0;
        }
        return k;
    }

    /** The class bits of the code point at {@code i} (a lone surrogate is class 0). */
    static int classAt(char[] s, int i, int end) {
        char c = s[i];
        if (!Character.isHighSurrogate(c) || i + 1 >= end || !Character.isLowSurrogate(s[i + 1])) {
            return BMP[c];
        }
        return computeClass(Character.toCodePoint(c, s[i + 1]));
    }

    /** The number of chars (1 or 2) of the code point at {@code i}. */
    static int width(char[] s, int i, int end) {
        return Character.isHighSurrogate(s[i]) && i + 1 < end && Character.isLowSurrogate(s[i + 1]) ? 2 : 1;
    }

    /** The end of the run of code points, from {@code i}, whose class has any of {@code bits}. */
    private static int run(char[] s, int i, int end, int bits) {
        while (i < end) {
            char c = s[i];
            if (c < 0xD800) {
                if ((BMP[c] & bits) == 0) {
                    return i;
                }
                i++;
            } else {
                if ((classAt(s, i, end) & bits) == 0) {
                    return i;
                }
                i += width(s, i, end);
            }
        }
        return i;
    }

    /** The end of the run of code points from {@code i} whose class has none of {@code bits}. */
    private static int runNot(char[] s, int i, int end, int bits) {
        while (i < end) {
            char c = s[i];
            if (c < 0xD800) {
                if ((BMP[c] & bits) != 0) {
                    return i;
                }
                i++;
            } else {
                if ((classAt(s, i, end) & bits) != 0) {
                    return i;
                }
                i += width(s, i, end);
            }
        }
        return i;
    }

    /** The end of the whitespace run from {@code pos} (whitespace is BMP only). */
    private static int spaceRun(char[] s, int i, int end) {
        while (i < end && (BMP[s[i]] & SPACE) != 0) {
            i++;
        }
        return i;
    }

    /** {@code \s+(?!\S)|\s+} at {@code pos}, where {@code s[pos]} is whitespace. */
    private static int whitespace(char[] s, int pos, int end) {
        int w = spaceRun(s, pos, end);
        if (w == end || w - pos == 1) {
            return w;
        }
        return w - 1;
    }

    /** {@code \s*[\r\n]} (or {@code +}): the end just after the last CR/LF of the whitespace run at pos, or -1. */
    private static int spacesThroughNewline(char[] s, int pos, int end) {
        int w = spaceRun(s, pos, end);
        for (int k = w - 1; k >= pos; k--) {
            if (s[k] == '\n' || s[k] == '\r') {
                return k + 1;
            }
        }
        return -1;
    }

    private static boolean isS(char c) {
        return c == 's' || c == 'S' || c == '\u017F';
    }

    /**
     * Case-insensitive {@code '(?:[sdmt]|ll|ve|re)} at pos (cl100k's alternation order; the same set as
     * o200k's {@code 's|'t|'re|'ve|'m|'ll|'d}): the end of the contraction, or -1.
     */
    private static int contractionIgnoreCase(char[] s, int pos, int end) {
        if (pos + 1 >= end || s[pos] != '\'') {
            return -1;
        }
        char a = s[pos + 1];
        if (isS(a)) {
            return pos + 2;
        }
        char la = (char) (a | 0x20);
        if (a < 0x80 && (la == 'd' || la == 'm' || la == 't')) {
            return pos + 2;
        }
        if (pos + 2 >= end || a >= 0x80) {
            return -1;
        }
        char b = s[pos + 2];
        if (b >= 0x80) {
            return -1;
        }
        char lb = (char) (b | 0x20);
        if ((la == 'l' && lb == 'l') || (la == 'v' && lb == 'e') || (la == 'r' && lb == 'e')) {
            return pos + 3;
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------
    // r50k_base: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+

    private static int nextR50k(char[] s, int pos, int end) {
        char c = s[pos];
        if (c == '\'' && pos + 1 < end) {
            char a = s[pos + 1];
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                return pos + 2;
            }
            if (pos + 2 < end) {
                char b = s[pos + 2];
                if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                    return pos + 3;
                }
            }
        }
        int q = pos;
        if (c == ' ') {
            if (pos + 1 >= end) {
                return pos + 1; // a lone final space: \s+(?!\S)
            }
            q = pos + 1;
        }
        int k = classAt(s, q, end);
        if ((k & LETTER) != 0) {
            return run(s, q, end, LETTER);
        }
        if ((k & NUMBER) != 0) {
            return run(s, q, end, NUMBER);
        }
        if ((k & SPACE) == 0) {
            return runNot(s, q, end, LETTER | NUMBER | SPACE);
        }
        // s[q] is whitespace: either c is a space followed by whitespace, or c itself is whitespace.
        return whitespace(s, pos, end);
    }

    // ------------------------------------------------------------------------------------------
    // cl100k_base: '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*
    //              |\s*[\r\n]|\s+(?!\S)|\s+

    private static int nextCl100k(char[] s, int pos, int end) {
        char c = s[pos];
        if (c == '\'') {
            int e = contractionIgnoreCase(s, pos, end);
            if (e >= 0) {
                return e;
            }
        }
        int k0 = classAt(s, pos, end);
        // [^\r\n\p{L}\p{N}]?+\p{L}+ (the optional prefix is possessive)
        int q = (k0 & (CRLF | LETTER | NUMBER)) == 0 ? pos + width(s, pos, end) : pos;
        if (q < end && (classAt(s, q, end) & LETTER) != 0) {
            return run(s, q, end, LETTER);
        }
        // \p{N}{1,3}
        if ((k0 & NUMBER) != 0) {
            int e = pos;
            for (int n = 0; n < 3 && e < end && (classAt(s, e, end) & NUMBER) != 0; n++) {
                e += width(s, e, end);
            }
            return e;
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*'
        q = (c == ' ' && pos + 1 < end) ? pos + 1 : pos;
        if ((classAt(s, q, end) & (SPACE | LETTER | NUMBER)) == 0) {
            int e = runNot(s, q, end, SPACE | LETTER | NUMBER);
            while (e < end && (s[e] == '\r' || s[e] == '\n')) {
                e++;
            }
            return e;
        }
        // Only whitespace is left.
        int e = spacesThroughNewline(s, pos, end);
        if (e >= 0) {
            return e;
        }
        return whitespace(s, pos, end);
    }

    // ------------------------------------------------------------------------------------------
    // o200k_base:
    //   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    //  |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    //  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+

    private static int nextO200k(char[] s, int pos, int end) {
        int k0 = classAt(s, pos, end);
        boolean prefixable = (k0 & (CRLF | LETTER | NUMBER)) == 0;
        int afterPrefix = pos + width(s, pos, end);
        // First alternative: with the prefix, then (backtracking) without it.
        if (prefixable && afterPrefix < end) {
            int e = upperStarLowerPlus(s, afterPrefix, end);
            if (e >= 0) {
                return contractionSuffix(s, e, end);
            }
        }
        if ((k0 & (UPPERISH | LOWERISH)) != 0) {
            int e = upperStarLowerPlus(s, pos, end);
            if (e >= 0) {
                return contractionSuffix(s, e, end);
            }
        }
        // Second alternative: prefix? upper+ lower* contraction?
        if (prefixable && afterPrefix < end && (classAt(s, afterPrefix, end) & UPPERISH) != 0) {
            int e = run(s, run(s, afterPrefix, end, UPPERISH), end, LOWERISH);
            return contractionSuffix(s, e, end);
        }
        if ((k0 & UPPERISH) != 0) {
            int e = run(s, run(s, pos, end, UPPERISH), end, LOWERISH);
            return contractionSuffix(s, e, end);
        }
        // \p{N}{1,3}
        if ((k0 & NUMBER) != 0) {
            int e = pos;
            for (int n = 0; n < 3 && e < end && (classAt(s, e, end) & NUMBER) != 0; n++) {
                e += width(s, e, end);
            }
            return e;
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
        char c = s[pos];
        int q = (c == ' ' && pos + 1 < end && (classAt(s, pos + 1, end) & (SPACE | LETTER | NUMBER)) == 0) ? pos + 1 : pos;
        if ((classAt(s, q, end) & (SPACE | LETTER | NUMBER)) == 0) {
            int e = runNot(s, q, end, SPACE | LETTER | NUMBER);
            while (e < end && (s[e] == '\r' || s[e] == '\n' || s[e] == '/')) {
                e++;
            }
            return e;
        }
        // \s*[\r\n]+
        int e = spacesThroughNewline(s, pos, end);
        if (e >= 0) {
            return e;
        }
        return whitespace(s, pos, end);
    }

    /**
     * {@code [upper]*[lower]+} at q with a backtracking engine's result: the end of the match, or -1.
     * The starred run is taken greedily; if no lower-class code point follows it, the engine gives
     * back code points one by one until the one given back is itself lower-class (Lm, Lo, M are in
     * both classes), and the plus-run then stops at the next code point (upper-only or the end of
     * the original run).
     */
    private static int upperStarLowerPlus(char[] s, int q, int end) {
        int i = q;
        int lastBoth = -1;
        int lastBothEnd = -1;
        while (i < end) {
            int k = classAt(s, i, end);
            if ((k & UPPERISH) == 0) {
                break;
            }
            int w = width(s, i, end);
            if ((k & LOWERISH) != 0) {
                lastBoth = i;
                lastBothEnd = i + w;
            }
            i += w;
        }
        if (i < end && (classAt(s, i, end) & LOWERISH) != 0) {
            return run(s, i, end, LOWERISH);
        }
        if (lastBoth >= 0) {
            // The code point after lastBoth is upper-only or the end of the starred run, which is not lower.
            return lastBothEnd;
        }
        return -1;
    }

    /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)?} at e. */
    private static int contractionSuffix(char[] s, int e, int end) {
        int c = contractionIgnoreCase(s, e, end);
        return c >= 0 ? c : e;
    }
}
