package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding: unknown ids, invalid UTF-8 (replaced or refused), and the streaming decoder. */
class DecodeTest {

    private final BpeTokenizer tok = Fixtures.encoding("cl100k_base");

    @Test
    void unknownIdsAreClearErrors() {
        assertThatThrownBy(() -> tok.decode(new int[] {15339, 100256}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown token id 100256 at index 1")
                .hasMessageContaining("unassigned");
        assertThatThrownBy(() -> tok.decode(new int[] {-3})).hasMessageContaining("unknown token id -3 at index 0");
        assertThatThrownBy(() -> tok.decode(new int[] {5, 200000})).hasMessageContaining("cl100k_base has ids 0..100276");
        assertThatThrownBy(() -> tok.token(999_999)).hasMessageContaining("unknown token id 999999");
    }

    @Test
    void invalidUtf8IsReplacedOrRefused() {
        int[] ids = tok.encode("\ud83d\udc4b");   // one emoji: several byte tokens
        assertThat(ids.length).isGreaterThan(1);
        int[] cut = java.util.Arrays.copyOf(ids, ids.length - 1);
        assertThat(tok.decode(cut)).isEqualTo("\uFFFD");
        assertThat(tok.decode(cut, Utf8Errors.REPLACE)).isEqualTo("\uFFFD");
        assertThatThrownBy(() -> tok.decode(cut, Utf8Errors.STRICT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid UTF-8 at byte 0");
        assertThat(tok.decode(ids, Utf8Errors.STRICT)).isEqualTo("\ud83d\udc4b");
    }

    @Test
    void replacementFollowsMaximalSubparts() {
        // Python: b"a\xe2\x82b\xff\xf0\x9f\x98".decode("utf-8", "replace") == "a\ufffdb\ufffd\ufffd"
        byte[] bytes = {'a', (byte) 0xE2, (byte) 0x82, 'b', (byte) 0xFF, (byte) 0xF0, (byte) 0x9F, (byte) 0x98};
        StringBuilder sb = new StringBuilder();
        Utf8.decode(bytes, 0, bytes.length, sb, true, Utf8Errors.REPLACE, 0);
        assertThat(sb.toString()).isEqualTo("a\uFFFDb\uFFFD\uFFFD");
        // Python: b"\xed\xa0\x80\xc0\xaf".decode("utf-8", "replace") is five U+FFFD: an encoded surrogate
        // and an overlong form are no maximal subparts, so each byte is replaced (Java's decoder gives three).
        byte[] bad = {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC0, (byte) 0xAF};
        sb.setLength(0);
        Utf8.decode(bad, 0, bad.length, sb, true, Utf8Errors.REPLACE, 0);
        assertThat(sb.toString()).isEqualTo("\uFFFD".repeat(5));
    }

    @Test
    void streamingYieldsTextOnlyWhenUtf8IsComplete() {
        String text = "héllo 👋🏽 wörld 中文";
        int[] ids = tok.encode(text);
        StreamingDecoder d = tok.streamingDecoder(Utf8Errors.STRICT);
        StringBuilder out = new StringBuilder();
        boolean sawPending = false;
        for (int id : ids) {
            String piece = d.push(id);
            assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isTrue();
            assertThat(piece).doesNotContain("\uFFFD");
            sawPending |= d.hasPending();
            out.append(piece);
        }
        assertThat(sawPending).as("some token ended inside a character").isTrue();
        out.append(d.finish());
        assertThat(out.toString()).isEqualTo(text);
    }

    @Test
    void streamingFinishReplacesOrRefusesAnIncompleteCharacter() {
        int[] ids = tok.encode("\ud83d\udc4b");
        StreamingDecoder d = tok.streamingDecoder(Utf8Errors.REPLACE);
        assertThat(d.push(ids[0])).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
        StreamingDecoder strict = tok.streamingDecoder(Utf8Errors.STRICT);
        strict.push(ids[0]);
        assertThatThrownBy(strict::finish).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> tok.streamingDecoder(Utf8Errors.REPLACE).push(100256)).hasMessageContaining("unknown token id 100256");
    }

    @Test
    void tokenTextAndBytes() {
        int id = tok.encode(" world")[0];
        assertThat(tok.token(id)).isEqualTo(" world");
        assertThat(tok.tokenString(id)).isEqualTo("Ġworld");
        assertThat(tok.tokenBytes(id)).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
        assertThat(tok.token(100257)).isEqualTo("<|endoftext|>");
        assertThat(tok.isSpecial(100257)).isTrue();
    }
}
