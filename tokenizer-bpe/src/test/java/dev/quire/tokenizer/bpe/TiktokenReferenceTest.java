package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tiktoken_cases.jsonl}: tiktoken's {@code encode_ordinary} ids for r50k, cl100k and o200k, and round trips. */
class TiktokenReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void everyCaseGivesTiktokensIds(String encoding) {
        BpeTokenizer tok = Fixtures.encoding(encoding);
        int n = 0;
        for (Json.Node c : Fixtures.tiktokenCases()) {
            String text = c.get("text").string();
            int[] expected = c.get(encoding).intArray();
            assertThat(tok.encodeOrdinary(text)).as("%s ids of %s", encoding, Fixtures.describe(text)).containsExactly(expected);
            assertThat(tok.decode(expected)).as("%s decode of %s", encoding, Fixtures.describe(text)).isEqualTo(text);
            n++;
        }
        assertThat(n).isEqualTo(430);
    }

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void roundTripOnRandomUnicode(String encoding) {
        BpeTokenizer tok = Fixtures.encoding(encoding);
        Random random = new Random(42 + encoding.hashCode());
        for (int it = 0; it < 2_000; it++) {
            String s = randomText(random, random.nextInt(40));
            assertThat(tok.decode(tok.encodeOrdinary(s))).as("round trip of %s", PreTokenizerTest.escape(s)).isEqualTo(s);
        }
    }

    @Test
    void vocabularySizesAndSpecialTokensAreTiktokens() {
        assertThat(Fixtures.encoding("r50k_base").vocabSize()).isEqualTo(50257);
        assertThat(Fixtures.encoding("cl100k_base").vocabSize()).isEqualTo(100277);
        assertThat(Fixtures.encoding("o200k_base").vocabSize()).isEqualTo(200019);
        assertThat(Fixtures.encoding("cl100k_base").encode("<|endoftext|>")).containsExactly(100257);
        assertThat(Fixtures.encoding("o200k_base").isAssigned(199997)).isTrue();
        assertThat(Fixtures.encoding("o200k_base").isAssigned(199998)).isFalse();
        assertThat(Fixtures.encoding("cl100k_base").isAssigned(100256)).isFalse();
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        BpeTokenizer tok = Fixtures.encoding("cl100k_base");
        String s = "a\ud800b\udc00c\ud83d";
        assertThat(tok.decode(tok.encode(s))).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
        assertThat(tok.encode(s)).containsExactly(tok.encode("a\uFFFDb\uFFFDc\uFFFD"));
    }

    @Test
    void tiktokenFileRoundTrip() {
        BpeTokenizer tok = Fixtures.encoding("r50k_base");
        String text = tok.tiktokenText();
        byte[][] ranks = TiktokenFile.parse(text, "written");
        assertThat(ranks.length).isEqualTo(50256);
        BpeTokenizer again = BpeTokenizer.fromRanks("r50k_base", PreTokenizer.R50K_BASE, ranks,
                BpeTokenizer.standardSpecialTokens("r50k_base"));
        String sample = Fixtures.shakespeare().substring(0, 20_000);
        assertThat(again.encode(sample)).containsExactly(tok.encode(sample));
        try {
            assertThat(text).isEqualTo(java.nio.file.Files.readString(Fixtures.rankFile("r50k_base"), StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Random text mixing ASCII, Latin, CJK, emoji (surrogate pairs), marks, digits and whitespace. */
    static String randomText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp;
            switch (random.nextInt(8)) {
                case 0 -> cp = ' ';
                case 1 -> cp = "\n\r\t\u00a0\u3000'".charAt(random.nextInt(6));
                case 2, 3 -> cp = 0x20 + random.nextInt(0x5F);
                case 4 -> cp = 0xA0 + random.nextInt(0x700);
                case 5 -> cp = 0x4E00 + random.nextInt(0x5000);
                case 6 -> cp = 0x1F300 + random.nextInt(0x700);
                default -> {
                    do {
                        cp = random.nextInt(0x110000);
                    } while (cp >= 0xD800 && cp <= 0xDFFF);
                }
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
