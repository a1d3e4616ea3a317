package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each hand-written scanner against its regular expression ({@link PreTokenizer#javaPattern()}), the oracle. */
class PreTokenizerTest {

    /** Atoms that exercise every branch: cases of contraction letters, marks, Lm/Lo/Lt, odd spaces, surrogates. */
    private static final String[] ATOMS = {
        "a", "b", "s", "S", "\u017F", "t", "T", "l", "L", "v", "V", "e", "E", "r", "R", "d", "D", "m", "M", "A", "Z",
        "'", "'", "'", " ", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u2009", "\u3000", "\u0085", "\u000b",
        "0", "1", "9", "\u00bd", "\u216b", "\ud835\udfce", "\ud835\udc00", "\u0301", "\u0903", "\u20dd", "\u02b0",
        "\u4e2d", "\u01c5", "\u00e9", "\u00c9", "/", ".", "!", "?", "-", "_", "\ud83d\ude00", "\ud83c\udffd", "\u200d",
        "\ud800", "\udc00", "\u05e9", "\u0645", "k", "\u212a", "\u00df", "\u0130", "x", "#", "<", "|", ">", "\u0000",
        "\u001f", "\u0345", "\u1c85"
    };

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void scannerEqualsRegexOnEveryReferenceText(PreTokenizer rule) {
        for (String text : Fixtures.caseTexts()) {
            assertThat(rule.split(text)).as("%s on %s", rule, Fixtures.describe(text)).isEqualTo(rule.splitWithRegex(text));
        }
    }

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void scannerEqualsRegexOnRandomStrings(PreTokenizer rule) {
        Random random = new Random(20261128L + rule.ordinal());
        java.util.regex.Pattern oracle = rule.javaPattern();
        for (int it = 0; it < 30_000; it++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(14);
            for (int i = 0; i < len; i++) {
                sb.append(ATOMS[random.nextInt(ATOMS.length)]);
            }
            String s = sb.toString();
            List<String> expected = oracle.matcher(s).results().map(java.util.regex.MatchResult::group).toList();
            assertThat(rule.split(s)).as("%s on %s", rule, escape(s)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void scannerEqualsRegexOnRandomCodePoints(PreTokenizer rule) {
        Random random = new Random(7L + rule.ordinal());
        java.util.regex.Pattern oracle = rule.javaPattern();
        for (int it = 0; it < 3_000; it++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(20);
            for (int i = 0; i < len; i++) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> random.nextInt(0x3000);
                    case 2 -> random.nextInt(0x10000);
                    default -> random.nextInt(0x110000);
                };
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            List<String> expected = oracle.matcher(s).results().map(java.util.regex.MatchResult::group).toList();
            assertThat(rule.split(s)).as("%s on %s", rule, escape(s)).isEqualTo(expected);
        }
    }

    @Test
    void knownPieces() {
        assertThat(PreTokenizer.R50K_BASE.split("I'm   sure!! 123")).containsExactly("I", "'m", "  ", " sure", "!!", " 123");
        assertThat(PreTokenizer.CL100K_BASE.split("WON'T 12345\r\n\r\n x")).containsExactly("WON", "'T", " ", "123", "45", "\r\n\r\n", " x");
        assertThat(PreTokenizer.O200K_BASE.split("HelloWorld DON'T a/b\n")).containsExactly("Hello", "World", " DON'T", " a", "/b", "\n");
        // Long s (U+017F) folds to s, so cl100k and o200k see a contraction.
        assertThat(PreTokenizer.CL100K_BASE.split("'\u017F")).containsExactly("'\u017F");
    }

    @Test
    void encodingNames() {
        assertThat(PreTokenizer.forEncoding("gpt2")).isEqualTo(PreTokenizer.R50K_BASE);
        assertThat(PreTokenizer.forEncoding("cl100k_base")).isEqualTo(PreTokenizer.CL100K_BASE);
        assertThat(PreTokenizer.forEncoding("o200k_base")).isEqualTo(PreTokenizer.O200K_BASE);
        assertThat(PreTokenizer.forEncoding("nope")).isNull();
        assertThat(PreTokenizer.O200K_BASE.encodingName()).isEqualTo("o200k_base");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
