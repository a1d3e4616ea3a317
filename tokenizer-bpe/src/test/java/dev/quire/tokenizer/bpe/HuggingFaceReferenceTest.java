package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hf/*.encodings.jsonl}: ids, tokens and code-point offsets of Hugging Face byte-level BPE; file round trip. */
class HuggingFaceReferenceTest {

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void everyLineGivesHuggingFacesIdsTokensAndOffsets(int size) {
        BpeTokenizer tok = Fixtures.huggingFace(size);
        List<Json.Node> lines = Fixtures.jsonLines(Fixtures.shared().resolve("reference/hf/hf_bytelevel_bpe_" + size + ".encodings.jsonl"));
        assertThat(lines).hasSize(430);
        for (Json.Node line : lines) {
            String text = line.get("text").string();
            int[] ids = line.get("ids").intArray();
            List<String> tokens = line.get("tokens").elements().stream().map(Json.Node::string).toList();
            List<Json.Node> offsets = line.get("offsets").elements();
            Encoding e = tok.encodeWithOffsets(text).inCodePoints(text);
            String what = Fixtures.describe(text);
            assertThat(e.ids()).as("ids of %s", what).containsExactly(ids);
            assertThat(tok.encode(text)).as("ids without offsets of %s", what).containsExactly(ids);
            for (int i = 0; i < ids.length; i++) {
                int[] o = offsets.get(i).intArray();
                assertThat(tok.tokenString(ids[i])).as("token %d of %s", i, what).isEqualTo(tokens.get(i));
                assertThat(new int[] {e.starts()[i], e.ends()[i]}).as("offsets of token %d of %s", i, what).containsExactly(o);
            }
            assertThat(tok.decode(ids)).as("decode of %s", what).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void writesTheFileItReadByteForByte(int size) throws IOException {
        String original = Files.readString(Fixtures.hfTokenizerJson(size));
        BpeTokenizer tok = Fixtures.huggingFace(size);
        assertThat(tok.toTokenizerJson()).isEqualTo(original);
        BpeTokenizer again = BpeTokenizer.fromTokenizerJson(tok.toTokenizerJson(), "written");
        String sample = Fixtures.shakespeare().substring(0, 30_000);
        assertThat(again.encode(sample)).containsExactly(tok.encode(sample));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void roundTripOnRandomUnicode(int size) {
        BpeTokenizer tok = Fixtures.huggingFace(size);
        Random random = new Random(size);
        for (int it = 0; it < 1_000; it++) {
            String s = TiktokenReferenceTest.randomText(random, random.nextInt(40));
            assertThat(tok.decode(tok.encode(s))).as("round trip of %s", PreTokenizerTest.escape(s)).isEqualTo(s);
        }
    }
}
