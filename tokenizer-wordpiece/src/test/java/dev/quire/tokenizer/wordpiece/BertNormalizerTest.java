package dev.quire.tokenizer.wordpiece;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** BertNormalizer and BertPreTokenizer as Hugging Face defines them; the fast path equals the general one. */
class BertNormalizerTest {

    private static List<String> words(String text, Normalizer n) {
        NormalizedText nt = n.normalize(text);
        int[] spans = BertPreTokenizer.INSTANCE.split(nt);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < spans.length; i += 2) {
            out.add(nt.substring(spans[i], spans[i + 1]));
        }
        return out;
    }

    @Test
    void cleansControlsAndWhitespace() {
        BertNormalizer n = new BertNormalizer();
        assertThat(n.normalize("a\u0000b\uFFFDc\u200Dd\u000Be\u0085f").toString()).isEqualTo("abcdef");
        assertThat(n.normalize("a\tb\nc\rd\u00A0e\u3000f\u2009g").toString()).isEqualTo("a b c d e f g");
        assertThat(n.normalize("\uE000x\uD800").toString()).isEqualTo("x"); // private use, lone surrogate
        BertNormalizer raw = new BertNormalizer(false, false, false, false);
        assertThat(raw.normalize("A\u0000\tÉ").toString()).isEqualTo("A\u0000\tÉ");
    }

    @Test
    void isolatesCjkIdeographsInHuggingFaceRanges() {
        BertNormalizer n = new BertNormalizer();
        assertThat(n.normalize("a中b").toString()).isEqualTo("a 中 b");
        assertThat(n.normalize("日本語のテキスト").toString()).isEqualTo(" 日  本  語 のテキスト");
        assertThat(n.normalize("\uD840\uDC00").toString()).isEqualTo(" \uD840\uDC00 "); // U+20000
        assertThat(n.normalize("\uD86E\uDC20").toString()).isEqualTo("\uD86E\uDC20"); // U+2B820: outside HF's ranges
        assertThat(n.normalize("한국어").toString()).isEqualTo("한국어".toLowerCase().transform(s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD)));
    }

    @Test
    void stripsAccentsAndLowercases() {
        assertThat(new BertNormalizer().normalize("Ünïcödé FAÇADE Ångström").toString()).isEqualTo("unicode facade angstrom");
        // strip_accents defaults to lowercase
        assertThat(new BertNormalizer(true, true, null, false).normalize("Ünï").toString()).isEqualTo("Ünï");
        assertThat(new BertNormalizer(true, true, true, false).normalize("Ünï").toString()).isEqualTo("Uni");
        // lower-casing is per character, full mapping: İ -> i + combining dot (when accents are kept)
        assertThat(new BertNormalizer(true, true, false, true).normalize("İ").toString()).isEqualTo("i\u0307");
        assertThat(new BertNormalizer().normalize("İ").toString()).isEqualTo("i");
        assertThat(new BertNormalizer().normalize("ΣΑΣ").toString()).isEqualTo("σασ"); // no final-sigma rule
    }

    @Test
    void alignsEveryUnitToItsOriginalCodePoint() {
        NormalizedText nt = new BertNormalizer().normalize("\uD83D\uDE00É中");
        // 😀 (2 units, code point 0), e (code point 1), ' ', 中, ' ' (code point 2)
        assertThat(nt.toString()).isEqualTo("\uD83D\uDE00e 中 ");
        int[] starts = new int[nt.length()];
        for (int i = 0; i < nt.length(); i++) {
            starts[i] = nt.start(i);
        }
        assertThat(starts).containsExactly(0, 0, 1, 2, 2, 2);
        assertThat(nt.end(2)).isEqualTo(2);
    }

    @Test
    void preTokenizerSplitsWhitespaceAndIsolatesPunctuation() {
        Normalizer n = Normalizer.NONE;
        assertThat(words("Hello, world!", n)).containsExactly("Hello", ",", "world", "!");
        assertThat(words("$100 a^b a|b a€b", n)).containsExactly("$", "100", "a", "^", "b", "a", "|", "b", "a€b");
        assertThat(words("a—b «c» x_y ¿q?", n)).containsExactly("a", "—", "b", "«", "c", "»", "x", "_", "y", "¿", "q", "?");
        assertThat(words("a\u00A0b\u2028c\u0085d", n)).containsExactly("a", "b", "c", "d");
        assertThat(words("  ", n)).isEmpty();
        assertThat(words("don't", new BertNormalizer())).containsExactly("don", "'", "t");
    }

    @Test
    void whitespaceSplitOnlySplitsOnWhitespace() {
        NormalizedText nt = NormalizedText.identity(" a,b  c ");
        assertThat(WhitespaceSplit.INSTANCE.split(nt)).containsExactly(1, 4, 6, 7);
    }

    /** Random text from a mix of the character classes that matter. */
    static String randomText(Random r, int len) {
        String[] pieces = {"a", "Z", "é", "É", "\u0301", "İ", "ß", " ", "  ", "\t", "\n", "\u00A0", "\u3000", ",", ".", "'",
                "!", "#", "$", "^", "—", "«", "中", "語", "한", "ｶ", "\uD83D\uDE00", "\uD840\uDC00", "\uD83C\uDDFA", "\u200D",
                "\u0000", "\uFFFD", "\uD800", "\uDC00", "\uE000", "[CLS]", "[MASK]", "the", "##", "ing", "0", "9", "\u0085",
                "Ω", "ǅ", "ﬁ", "\u2126", "\uFB01", "\u1E9E", "\u0130"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < len) {
            if (r.nextInt(10) == 0) {
                sb.appendCodePoint(r.nextInt(0x30000));
            } else {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
        }
        return sb.toString();
    }

    @Test
    void fastPathGivesTheIdsOfTheGeneralPath() {
        Random r = new Random(7);
        for (int size : new int[] {1000, 4096}) {
            WordPieceTokenizer tok = Fixtures.hf(size);
            for (int i = 0; i < 3000; i++) {
                String text = randomText(r, 1 + r.nextInt(60));
                assertThat(tok.encode(text)).as(text).isEqualTo(tok.encoding(text).ids());
            }
            String corpus = Fixtures.shakespeareText().substring(0, 200_000);
            assertThat(tok.encode(corpus)).isEqualTo(tok.encoding(corpus).ids());
        }
    }

    @Test
    void encodeNeverFailsAndIdsAreInRange() {
        Random r = new Random(11);
        WordPieceTokenizer tok = Fixtures.hf(1000);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append((char) r.nextInt(65536)); // lone surrogates included
            }
            Encoding e = tok.encoding(sb.toString());
            assertThat(Arrays.stream(e.ids()).allMatch(id -> id >= 0 && id < tok.vocabSize())).isTrue();
            assertThat(tok.encode(sb.toString())).isEqualTo(e.ids());
            for (int k = 0; k < e.length(); k++) {
                assertThat(e.starts()[k]).isLessThanOrEqualTo(e.ends()[k]);
            }
        }
    }
}
