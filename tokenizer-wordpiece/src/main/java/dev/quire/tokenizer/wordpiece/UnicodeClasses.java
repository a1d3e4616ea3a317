package dev.quire.tokenizer.wordpiece;

/**
 * The character classes Hugging Face's BERT components use, with the same definitions: Rust's
 * {@code char::is_whitespace} (the Unicode White_Space property), {@code unicode_categories}'
 * {@code is_other} (Cc, Cf, Cn, Co, Cs) and {@code is_punctuation} (P*), Rust's
 * {@code is_ascii_punctuation}, and BERT's CJK ideograph ranges. Categories come from the JDK's
 * Unicode tables, which may be newer than Hugging Face's for characters assigned recently.
 */
final class UnicodeClasses {

    private UnicodeClasses() {
    }

    /** Rust's {@code char::is_whitespace}: the White_Space property. */
    static boolean isRustWhitespace(int c) {
        if (c < 0x80) {
            return c == ' ' || (c >= 0x09 && c <= 0x0D);
        }
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** BertNormalizer's {@code is_whitespace}: tab, newline, carriage return or White_Space. */
    static boolean isBertWhitespace(int c) {
        return c == '\t' || c == '\n' || c == '\r' || isRustWhitespace(c);
    }

    /** BertNormalizer's {@code is_control}: category C* (Cc, Cf, Cn, Co, Cs) except tab, newline, carriage return. */
    static boolean isBertControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** BertNormalizer's {@code is_chinese_char}: the same code-point ranges as Hugging Face. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** Rust's {@code char::is_ascii_punctuation}. */
    static boolean isAsciiPunctuation(int c) {
        return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
    }

    /** BertPreTokenizer's {@code is_bert_punc}: ASCII punctuation or a Unicode P* category. */
    static boolean isBertPunctuation(int c) {
        if (c < 0x80) {
            return isAsciiPunctuation(c);
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** Category Mn, which accent stripping removes after NFD. */
    static boolean isNonSpacingMark(int c) {
        return Character.getType(c) == Character.NON_SPACING_MARK;
    }

    /**
     * Rust's {@code char::to_lowercase}: the full lower-case mapping; U+0130 is the one character
     * whose lower case is two characters.
     */
    static void appendLowercase(int c, StringBuilder out) {
        if (c == 0x130) {
            out.append('i').append('\u0307');
        } else {
            out.appendCodePoint(Character.toLowerCase(c));
        }
    }
}
