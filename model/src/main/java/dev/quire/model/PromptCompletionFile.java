package dev.quire.model;

import dev.quire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prompt/completion pairs from JSON lines: one object per line,
 * {@code {"prompt": "...", "completion": "..."}}.
 *
 * <p>Strict, since a silently skipped line is a silently smaller data set: every line must be UTF-8
 * and a JSON object with a string {@code "prompt"} (may be empty) and a non-empty string
 * {@code "completion"}. Other members ({@code "id"}, ...) are ignored. Lines that are empty or only
 * white space are skipped (a trailing newline is no example). Every error names the file, the line
 * (1-based) and what was expected.
 */
public final class PromptCompletionFile {

    private PromptCompletionFile() {
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws IllegalArgumentException naming the file and line of the first bad line, or if there is no example
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static List<PromptCompletion> load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt/completion file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Parses JSON lines.
     *
     * @param source what the bytes are, for messages (a file name)
     * @throws IllegalArgumentException naming {@code source} and the line of the first bad line, or if there is no example
     */
    public static List<PromptCompletion> parse(byte[] bytes, String source) {
        List<PromptCompletion> examples = new ArrayList<>();
        int start = 0;
        int line = 1;
        while (start <= bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            PromptCompletion example = parseLine(bytes, start, end, source, line);
            if (example != null) {
                examples.add(example);
            }
            start = end + 1;
            line++;
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(source + ": no prompt/completion examples; expected one JSON object "
                    + "{\"prompt\": ..., \"completion\": ...} per line");
        }
        return List.copyOf(examples);
    }

    /** One line's example, or null for a blank line. */
    private static PromptCompletion parseLine(byte[] bytes, int start, int end, String source, int line) {
        String where = source + " line " + line;
        if (end > start && bytes[end - 1] == '\r') {
            end--; // Windows line ends
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, end - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + ": invalid UTF-8 (" + e.getMessage() + "); expected UTF-8 text", e);
        }
        if (text.isBlank()) {
            return null;
        }
        Json.Node node;
        try {
            node = Json.parse(text, "");
        } catch (IllegalArgumentException e) {
            // The reader counts lines within this one line: say only the column.
            String message = e.getMessage().replaceFirst("^: ", "").replace("at line 1, column", "at column");
            throw new IllegalArgumentException(where + ": " + message
                    + "; expected a JSON object {\"prompt\": ..., \"completion\": ...}", e);
        }
        if (!(node.value() instanceof java.util.Map<?, ?>)) {
            throw new IllegalArgumentException(where + ": expected a JSON object {\"prompt\": ..., \"completion\": ...}, "
                    + "found " + node.describe());
        }
        String prompt = string(node, "prompt", where);
        String completion = string(node, "completion", where);
        if (completion.isEmpty()) {
            throw new IllegalArgumentException(where + ": \"completion\" is empty; expected the text to learn");
        }
        return new PromptCompletion(prompt, completion, where);
    }

    private static String string(Json.Node object, String key, String where) {
        if (!object.has(key)) {
            throw new IllegalArgumentException(where + ": missing key \"" + key + "\"; expected a JSON object "
                    + "{\"prompt\": ..., \"completion\": ...}");
        }
        Json.Node value = object.get(key);
        if (!(value.value() instanceof String s)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string, found " + value.describe());
        }
        return s;
    }
}
