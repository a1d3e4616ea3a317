package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCompletionFileTest {

    @TempDir
    Path dir;

    private static List<PromptCompletion> parse(String text) {
        return PromptCompletionFile.parse(text.getBytes(StandardCharsets.UTF_8), "data.jsonl");
    }

    @Test
    void readsOneExamplePerLineSkippingBlankLinesAndOtherKeys() throws IOException {
        Path file = dir.resolve("sft.jsonl");
        Files.writeString(file, """
                {"prompt": "Q: 2+2?\\nA:", "completion": " 4"}\r

                {"id": 7, "completion": "héllo ✓", "prompt": ""}
                   \t
                {"prompt":"x","completion":"y"}
                """);
        List<PromptCompletion> examples = PromptCompletionFile.load(file);

        assertThat(examples).containsExactly(
                new PromptCompletion("Q: 2+2?\nA:", " 4", file + " line 1"),
                new PromptCompletion("", "héllo ✓", file + " line 3"),
                new PromptCompletion("x", "y", file + " line 5"));
    }

    @Test
    void aMissingKeyNamesTheLineAndTheKey() {
        assertThatThrownBy(() -> parse("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.jsonl line 2: missing key \"completion\"");
        assertThatThrownBy(() -> parse("{\"completion\": \"b\"}"))
                .hasMessageStartingWith("data.jsonl line 1: missing key \"prompt\"");
    }

    @Test
    void aWrongTypeNamesTheKeyAndWhatWasFound() {
        assertThatThrownBy(() -> parse("\n\n{\"prompt\": 3, \"completion\": \"b\"}"))
                .hasMessage("data.jsonl line 3: \"prompt\" must be a string, found a number 3");
        assertThatThrownBy(() -> parse("{\"prompt\": \"a\", \"completion\": null}"))
                .hasMessage("data.jsonl line 1: \"completion\" must be a string, found null");
        assertThatThrownBy(() -> parse("[\"a\", \"b\"]"))
                .hasMessageStartingWith("data.jsonl line 1: expected a JSON object")
                .hasMessageEndingWith("found an array");
    }

    @Test
    void anEmptyCompletionIsRejected() {
        assertThatThrownBy(() -> parse("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\", \"completion\": \"\"}"))
                .hasMessage("data.jsonl line 2: \"completion\" is empty; expected the text to learn");
    }

    @Test
    void invalidJsonNamesTheLineAndColumn() {
        assertThatThrownBy(() -> parse("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\" \"completion\": \"b\"}"))
                .hasMessageStartingWith("data.jsonl line 2: invalid JSON at column 16 ($): expected ',' or '}'")
                .hasMessageEndingWith("expected a JSON object {\"prompt\": ..., \"completion\": ...}");
    }

    @Test
    void invalidUtf8NamesTheLine() {
        byte[] good = "{\"prompt\": \"a\", \"completion\": \"b\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', 'p', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};
        byte[] bytes = new byte[good.length * 2 + bad.length];
        System.arraycopy(good, 0, bytes, 0, good.length);
        System.arraycopy(good, 0, bytes, good.length, good.length);
        System.arraycopy(bad, 0, bytes, 2 * good.length, bad.length);

        assertThatThrownBy(() -> PromptCompletionFile.parse(bytes, "data.jsonl"))
                .hasMessageStartingWith("data.jsonl line 3: invalid UTF-8")
                .hasMessageEndingWith("expected UTF-8 text");
    }

    @Test
    void aFileWithoutExamplesIsRejected() {
        assertThatThrownBy(() -> parse("\n  \n"))
                .hasMessageStartingWith("data.jsonl: no prompt/completion examples");
    }
}
