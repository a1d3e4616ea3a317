package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The {@code tokenizer.json} settings beyond the reference files: prefix space, offset trimming, whole-word merges. */
class HuggingFaceOptionsTest {

    private static String reference() throws IOException {
        return Files.readString(Fixtures.hfTokenizerJson(4096));
    }

    @Test
    void addPrefixSpaceEncodesAsIfTheTextStartedWithASpace() throws IOException {
        String json = reference().replace("\"add_prefix_space\": false", "\"add_prefix_space\": true");
        BpeTokenizer withPrefix = BpeTokenizer.fromTokenizerJson(json, "prefix.json");
        BpeTokenizer plain = Fixtures.huggingFace(4096);
        assertThat(withPrefix.encode("hello world")).containsExactly(plain.encode(" hello world"));
        assertThat(withPrefix.encode(" hello")).containsExactly(plain.encode(" hello"));
        // Each stretch between special tokens gets its own space, as the pre-tokenizer sees them apart.
        assertThat(withPrefix.encode("a<|endoftext|>b")).containsExactly(plain.encode(" a<|endoftext|> b"));
        Encoding e = withPrefix.encodeWithOffsets("hello");
        assertThat(e.starts()[0]).isZero();
        assertThat(e.ends()[e.size() - 1]).isEqualTo(5);
        assertThat(withPrefix.toTokenizerJson()).isEqualTo(json);
    }

    @Test
    void byteLevelPostProcessorTrimsSpacesOffOffsets() throws IOException {
        String json = reference().replace("\"post_processor\": null",
                "\"post_processor\": {\n    \"type\": \"ByteLevel\",\n    \"add_prefix_space\": false,\n    \"trim_offsets\": true,\n    \"use_regex\": true\n  }");
        BpeTokenizer trimming = BpeTokenizer.fromTokenizerJson(json, "trim.json");
        String text = "To be,  or not";
        Encoding plain = Fixtures.huggingFace(4096).encodeWithOffsets(text);
        Encoding trimmed = trimming.encodeWithOffsets(text);
        assertThat(trimmed.ids()).containsExactly(plain.ids());
        for (int i = 0; i < trimmed.size(); i++) {
            String span = text.substring(trimmed.starts()[i], trimmed.ends()[i]);
            String tok = trimming.token(trimmed.ids()[i]);
            assertThat(span).isEqualTo(tok.isBlank() ? "" : tok.strip());
        }
        assertThat(trimming.toTokenizerJson()).isEqualTo(json);
    }

    @Test
    void ignoreMergesTakesWholeWordsFromTheVocabulary() throws IOException {
        String json = reference().replace("\"ignore_merges\": false", "\"ignore_merges\": true");
        BpeTokenizer t = BpeTokenizer.fromTokenizerJson(json, "ignore.json");
        String text = Fixtures.shakespeare().substring(0, 5_000);
        assertThat(t.decode(t.encode(text))).isEqualTo(text);
        int[] ids = t.encode("ISABELLA");
        assertThat(ids).containsExactly(991);
    }

    @Test
    void legacyMergeStringsAreRead() throws IOException {
        BpeTokenizer t = Fixtures.huggingFace(1000);
        StringBuilder merges = new StringBuilder("[");
        for (int r = 0; r < t.hf.mergeLeft().length; r++) {
            merges.append(r == 0 ? "" : ",");
            Json.quote(merges, t.hf.vocab()[t.hf.mergeLeft()[r]] + " " + t.hf.vocab()[t.hf.mergeRight()[r]]);
        }
        merges.append("]");
        String json = reference1000();
        int at = json.indexOf("\"merges\": [");
        String legacy = json.substring(0, at) + "\"merges\": " + merges + "\n  }\n}";
        BpeTokenizer back = BpeTokenizer.fromTokenizerJson(legacy, "legacy.json");
        assertThat(back.toTokenizerJson()).isEqualTo(json);
    }

    private static String reference1000() throws IOException {
        return Files.readString(Fixtures.hfTokenizerJson(1000));
    }
}
