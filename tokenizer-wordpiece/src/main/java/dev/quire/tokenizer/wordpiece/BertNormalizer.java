package dev.quire.tokenizer.wordpiece;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face's {@code BertNormalizer}, step for step:
 * <ol>
 *   <li>{@code clean_text}: drop NUL, U+FFFD and control characters (categories Cc, Cf, Cn, Co, Cs
 *       other than tab, newline and carriage return), then turn every whitespace character into a
 *       space;</li>
 *   <li>{@code handle_chinese_chars}: put spaces around each CJK ideograph (the same code-point
 *       ranges as Hugging Face) so that it becomes a word of its own;</li>
 *   <li>{@code strip_accents}: NFD, then drop non-spacing marks (Mn); when not set it follows
 *       {@code lowercase}, as in Hugging Face;</li>
 *   <li>{@code lowercase}: the full lower-case mapping of each character.</li>
 * </ol>
 * Every unit of the result is aligned to the original character it came from. NFD is applied
 * character by character (the canonical reordering of a run of combining marks is not done, which
 * only matters for marks that survive accent stripping).
 */
public final class BertNormalizer implements Normalizer {

    static final byte DROP = 0;
    static final byte SINGLE = 1;
    static final byte MULTI = 2;
    static final byte SURROGATE = 3;

    private static final Table[] TABLES = new Table[16];

    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final Boolean stripAccents;
    private final boolean lowercase;
    private volatile Table table;

    /**
     * @param cleanText          drop control characters and map whitespace to a space
     * @param handleChineseChars surround CJK ideographs with spaces
     * @param stripAccents       strip accents; {@code null} means "same as {@code lowercase}"
     * @param lowercase          lower-case everything
     */
    public BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    /** Hugging Face's defaults: clean text, CJK handling, lowercase (and so accent stripping). */
    public BertNormalizer() {
        this(true, true, null, true);
    }

    /** The normalizer of {@code bert-base-uncased} ({@code lowercase=true}) or {@code -cased} ({@code false}). */
    public static BertNormalizer of(boolean lowercase) {
        return new BertNormalizer(true, true, null, lowercase);
    }

    public boolean cleanText() {
        return cleanText;
    }

    public boolean handleChineseChars() {
        return handleChineseChars;
    }

    /** The {@code strip_accents} setting as given ({@code null}: follows {@link #lowercase()}). */
    public Boolean stripAccents() {
        return stripAccents;
    }

    /** Whether accents are stripped, resolving {@code null} as Hugging Face does. */
    public boolean effectiveStripAccents() {
        return stripAccents != null ? stripAccents : lowercase;
    }

    public boolean lowercase() {
        return lowercase;
    }

    /**
     * The normalized form of one code point, spaces around CJK ideographs included; empty when
     * the character is dropped.
     */
    String mapCodePoint(int cp) {
        if (cleanText) {
            if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isBertControl(cp)) {
                return "";
            }
            if (UnicodeClasses.isBertWhitespace(cp)) {
                cp = ' ';
            }
        }
        boolean cjk = handleChineseChars && UnicodeClasses.isChinese(cp);
        String s = Character.toString(cp);
        if (effectiveStripAccents() && cp >= 0x80) {
            String d = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
            StringBuilder kept = new StringBuilder(d.length());
            for (int i = 0; i < d.length(); ) {
                int c = d.codePointAt(i);
                if (!UnicodeClasses.isNonSpacingMark(c)) {
                    kept.appendCodePoint(c);
                }
                i += Character.charCount(c);
            }
            s = kept.toString();
        }
        if (lowercase) {
            StringBuilder low = new StringBuilder(s.length() + 1);
            for (int i = 0; i < s.length(); ) {
                int c = s.codePointAt(i);
                UnicodeClasses.appendLowercase(c, low);
                i += Character.charCount(c);
            }
            s = low.toString();
        }
        return cjk ? " " + s + " " : s;
    }

    /** Per-BMP-character results, shared by all normalizers with the same settings. */
    static final class Table {
        final byte[] kind = new byte[65536];
        final char[] single = new char[65536];
        final String[] multi = new String[65536];
    }

    Table table() {
        Table t = table;
        if (t == null) {
            int key = (cleanText ? 1 : 0) | (handleChineseChars ? 2 : 0) | (effectiveStripAccents() ? 4 : 0) | (lowercase ? 8 : 0);
            synchronized (TABLES) {
                t = TABLES[key];
                if (t == null) {
                    t = buildTable();
                    TABLES[key] = t;
                }
            }
            table = t;
        }
        return t;
    }

    private Table buildTable() {
        Table t = new Table();
        for (int c = 0; c < 65536; c++) {
            if (Character.isSurrogate((char) c)) {
                t.kind[c] = SURROGATE;
                continue;
            }
            String s = mapCodePoint(c);
            if (s.isEmpty()) {
                t.kind[c] = DROP;
            } else if (s.length() == 1) {
                t.kind[c] = SINGLE;
                t.single[c] = s.charAt(0);
            } else {
                t.kind[c] = MULTI;
                t.multi[c] = s;
            }
        }
        return t;
    }

    @Override
    public NormalizedText normalize(String text) {
        Table t = table();
        int n = text.length();
        NormalizedText out = new NormalizedText(n + (n >> 3));
        int cp = 0;
        for (int i = 0; i < n; i++, cp++) {
            char c = text.charAt(i);
            switch (t.kind[c]) {
                case SINGLE -> out.append(t.single[c], cp, cp + 1);
                case MULTI -> out.append(t.multi[c], cp, cp + 1);
                case SURROGATE -> {
                    int code = c;
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                        code = Character.toCodePoint(c, text.charAt(i + 1));
                        i++;
                    }
                    out.append(mapCodePoint(code), cp, cp + 1);
                }
                default -> {
                }
            }
        }
        return out;
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "BertNormalizer");
        m.put("clean_text", cleanText);
        m.put("handle_chinese_chars", handleChineseChars);
        m.put("strip_accents", stripAccents);
        m.put("lowercase", lowercase);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BertNormalizer b && b.cleanText == cleanText && b.handleChineseChars == handleChineseChars
                && java.util.Objects.equals(b.stripAccents, stripAccents) && b.lowercase == lowercase;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(cleanText, handleChineseChars, stripAccents, lowercase);
    }

    @Override
    public String toString() {
        return "BertNormalizer[cleanText=" + cleanText + ", handleChineseChars=" + handleChineseChars
                + ", stripAccents=" + stripAccents + ", lowercase=" + lowercase + "]";
    }
}
