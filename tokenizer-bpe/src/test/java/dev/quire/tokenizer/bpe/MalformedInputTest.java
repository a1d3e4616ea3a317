package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed rank files and tokenizer.json files: the error names the file and the line or JSON path. */
class MalformedInputTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void rankFileErrorsNameFileAndLine() throws IOException {
        Path notBase64 = write("a.tiktoken", "IQ== 0\n\n#$% 1\n");
        assertThatThrownBy(() -> BpeTokenizer.fromTiktoken("x", notBase64, PreTokenizer.R50K_BASE, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.tiktoken").hasMessageContaining("line 3").hasMessageContaining("not base64");
        Path noSpace = write("b.tiktoken", "IQ==0\n");
        assertThatThrownBy(() -> BpeTokenizer.fromTiktoken("x", noSpace, PreTokenizer.R50K_BASE, java.util.Map.of()))
                .hasMessageContaining("b.tiktoken: line 1: expected 'base64 rank'");
        Path badRank = write("c.tiktoken", "IQ== 0\nIg== -1\n");
        assertThatThrownBy(() -> BpeTokenizer.fromTiktoken("x", badRank, PreTokenizer.R50K_BASE, java.util.Map.of()))
                .hasMessageContaining("line 2").hasMessageContaining("not a rank");
        Path twice = write("d.tiktoken", "IQ== 0\nIg== 0\n");
        assertThatThrownBy(() -> BpeTokenizer.fromTiktoken("x", twice, PreTokenizer.R50K_BASE, java.util.Map.of()))
                .hasMessageContaining("line 2: rank 0 appears twice");
        Path partial = write("e.tiktoken", "IQ== 0\nIg== 1\n");
        assertThatThrownBy(() -> BpeTokenizer.fromTiktoken("x", partial, PreTokenizer.R50K_BASE, java.util.Map.of()))
                .hasMessageContaining("no rank for the single byte");
        assertThatThrownBy(() -> BpeTokenizer.tiktoken("p99k", partial)).hasMessageContaining("unknown tiktoken encoding 'p99k'");
    }

    private static String validJson() throws IOException {
        return Files.readString(Fixtures.hfTokenizerJson(1000));
    }

    @Test
    void tokenizerJsonErrorsNameTheJsonPath() throws IOException {
        String ok = validJson();
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("[\n        \"h\",\n        \"e\"\n      ]", "[\n        \"h\"\n      ]"), "t.json"))
                .hasMessageContaining("t.json: $.model.merges[1]: expected a merge [left, right], found an array of 1");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"Ġ\",\n        \"t\"", "\"Ġ\",\n        \"tz\""), "t.json"))
                .hasMessageContaining("$.model.merges[0]: the token \"tz\" is not in the vocabulary");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"merges\"", "\"mergez\""), "t.json"))
                .hasMessageContaining("$.model: missing key \"merges\"");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"!\": 1,", "\"!\": \"one\","), "t.json"))
                .hasMessageContaining("$.model.vocab[\"!\"]: expected an integer, found a string \"one\"");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"), "t.json"))
                .hasMessageContaining("$.normalizer: a normalizer is not supported");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "t.json"))
                .hasMessageContaining("$.model.type: model 'WordPiece' is not supported");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(ok.replace("\"content\": \"<|endoftext|>\",", "\"content\": 5,"), "t.json"))
                .hasMessageContaining("$.added_tokens[0].content: expected a string");
    }

    @Test
    void jsonSyntaxErrorsNameLineColumnAndPath() throws IOException {
        String broken = validJson().replace("\"!\": 1,", "\"!\": 1,,");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(broken, "t.json"))
                .hasMessageContaining("t.json: invalid JSON at line")
                .hasMessageContaining("($.model.vocab");
        Path file = write("tokenizer.json", "{\"model\": [1, 2");
        assertThatThrownBy(() -> BpeTokenizer.loadTokenizerJson(file))
                .hasMessageContaining("tokenizer.json: invalid JSON at line 1, column 16 ($.model[1])");
    }

    @Test
    void badCheckpointState() {
        assertThatThrownBy(() -> BpeTokenizer.deserialize("{\"quire_bpe\": 1, \"format\": \"zip\"}".getBytes()))
                .hasMessageContaining("$.format: unknown format 'zip'");
        assertThatThrownBy(() -> BpeTokenizer.deserialize("{\"quire_bpe\": 2}".getBytes()))
                .hasMessageContaining("$.quire_bpe: expected an integer in [1, 1], found 2");
    }
}
