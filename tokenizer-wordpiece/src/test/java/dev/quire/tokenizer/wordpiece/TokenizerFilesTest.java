package dev.quire.tokenizer.wordpiece;

import dev.quire.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tokenizer.json and vocab.txt: round trips, and errors that name the JSON path or the line. */
class TokenizerFilesTest {

    private static String reference() throws IOException {
        return Files.readString(Fixtures.reference("hf_wordpiece_1000.tokenizer.json"));
    }

    @Test
    void jsonRoundTripKeepsEverything(@TempDir Path dir) throws IOException {
        WordPieceTokenizer tok = Fixtures.hf(4096);
        Path out = dir.resolve("tokenizer.json");
        tok.save(out);
        WordPieceTokenizer back = WordPieceTokenizer.load(out);
        assertThat(Json.parse(back.toJson(), "a").value()).isEqualTo(Json.parse(tok.toJson(), "b").value());
        // what we write is what Hugging Face wrote
        assertThat(Json.parse(tok.toJson(), "ours").value())
                .isEqualTo(Json.parse(Files.readString(Fixtures.reference("hf_wordpiece_4096.tokenizer.json")), "theirs").value());
        WordPieceTokenizer restored = WordPieceTokenizer.deserialize(tok.serialize());
        String text = "Now is the winter of our discontent [MASK] made glorious summer.";
        assertThat(restored.encoding(text)).isEqualTo(tok.encoding(text));
    }

    @Test
    void vocabTxtRoundTripGivesTheSameTokenizer(@TempDir Path dir) throws IOException {
        WordPieceTokenizer tok = Fixtures.hf(1000);
        Path vocab = dir.resolve("vocab.txt");
        tok.saveVocab(vocab);
        assertThat(Files.readAllLines(vocab)).hasSize(1000).startsWith("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "!");
        WordPieceTokenizer fromVocab = WordPieceTokenizer.load(vocab);
        assertThat(Json.parse(fromVocab.toJson(), "a").value()).isEqualTo(Json.parse(tok.toJson(), "b").value());
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("{\n  \"model\": {\n    \"vocab\": {\"a\": 1,,}\n  }\n}", "t.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t.json: invalid JSON at line 3, column")
                .hasMessageContaining("$.model.vocab");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("{\"model\": {\"vocab\": {\"a\": 1}", "t.json"))
                .hasMessageContaining("unterminated object");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("", "t.json")).hasMessageContaining("line 1, column 1");
    }

    @Test
    void invalidValuesNameTheJsonPath() throws IOException {
        String ref = reference();
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"##ing\": 87", "\"##ing\": \"87\""), "t.json"))
                .hasMessageContaining("t.json: $.model.vocab[\"##ing\"]: expected an integer, found a string");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"##ing\": 87", "\"##ing\": -3"), "t.json"))
                .hasMessageContaining("$.model.vocab[\"##ing\"]: expected an integer in [0,");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"##ing\": 87", "\"##ing\": 88"), "t.json"))
                .hasMessageContaining("$.model.vocab.no: id 88 is already given to '##ing'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"type\": \"BertNormalizer\"", "\"type\": \"NFKC\""), "t.json"))
                .hasMessageContaining("$.normalizer.type: unsupported normalizer type 'NFKC'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"type\": \"WordPiece\",\n    \"unk_token\"", "\"type\": \"BPE\",\n    \"unk_token\""), "t.json"))
                .hasMessageContaining("$.model.type: expected a WordPiece model, found 'BPE'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\""), "t.json"))
                .hasMessageContaining("$.model.unk_token: unk_token '<unk>' is not in the vocabulary");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"lowercase\": true", "\"lowercase\": 1"), "t.json"))
                .hasMessageContaining("$.normalizer.lowercase: expected true or false, found a number");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"id\": \"A\"", "\"id\": \"C\""), "t.json"))
                .hasMessageContaining("$.post_processor.single[1].Sequence.id: expected \"A\" or \"B\", found 'C'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"ids\": [\n          2\n        ]", "\"ids\": [\n          2.5\n        ]"), "t.json"))
                .hasMessageContaining("$.post_processor.special_tokens[\"[CLS]\"].ids[0]: expected an integer, found a fraction");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("{\"version\": \"1.0\"}", "t.json"))
                .hasMessageContaining("t.json: $: missing key \"model\"");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(ref.replace("\"content\": \"[MASK]\"", "\"content\": \"[MASKED]\""), "t.json"))
                .hasMessageContaining("added token '[MASKED]' has id 4, which the vocabulary gives to '[MASK]'");
    }

    @Test
    void malformedVocabTxtNamesTheLine() {
        byte[] dup = "[UNK]\na\nb\na\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(dup, "vocab.txt", true))
                .hasMessage("vocab.txt: line 4: duplicate token 'a' (first on line 2)");
        byte[] empty = "[UNK]\n\nb\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(empty, "vocab.txt", true))
                .hasMessage("vocab.txt: line 2: empty token");
        byte[] bad = {'[', 'U', 'N', 'K', ']', '\n', 'a', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(bad, "vocab.txt", true))
                .hasMessage("vocab.txt: line 3: invalid UTF-8");
        byte[] noUnk = "a\nb\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(noUnk, "vocab.txt", true)).hasMessageContaining("no [UNK]");
        // CRLF and trailing blanks are not part of tokens
        WordPieceTokenizer ok = WordPieceTokenizer.fromVocabTxt("[UNK]\r\nhello \r\n##s\r\n".getBytes(StandardCharsets.UTF_8), "v", true);
        assertThat(ok.encode("hellos")).containsExactly(1, 2);
    }

    @Test
    void decodeRejectsUnknownIdsAndJoinsPieces() {
        WordPieceTokenizer tok = Fixtures.hf(4096);
        assertThatThrownBy(() -> tok.decode(new int[] {5, 4096})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4096");
        assertThatThrownBy(() -> tok.decode(new int[] {-1})).hasMessageContaining("-1");
        int[] ids = tok.encode("To be, or not to be: that is the question.");
        assertThat(tok.decode(ids)).isEqualTo("to be, or not to be : that is the question.");
        assertThat(tok.decode(ids, false)).startsWith("[CLS] to be,").endsWith("question. [SEP]");
        assertThat(tok.token(2)).isEqualTo("[CLS]");
    }
}
