package dev.quire.rlhf.data;

import dev.quire.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading JSON-lines files strictly: every line one JSON object, UTF-8 checked line by line, every error a
 * {@link PreferenceFormatException} naming the file and the line.
 *
 * <p>Lines end with {@code \n} (a {@code \r} before it is dropped); the last line may lack its line end.
 * An empty line is an error, except that a file may be empty.
 */
public final class JsonLines {

    /** A line of a file: its 1-based number and its text (without the line end). */
    public record Line(Path file, int number, String text) {

        /** An error about this line. */
        public PreferenceFormatException error(String what) {
            return new PreferenceFormatException(file, number, what);
        }
    }

    private JsonLines() {
    }

    /**
     * The lines of {@code file}, each checked to be valid UTF-8.
     *
     * @throws PreferenceFormatException if the file is missing or unreadable (line 0) or a line is not UTF-8
     */
    public static List<Line> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PreferenceFormatException(file, 0, "no such file");
        } catch (IOException e) {
            throw new PreferenceFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var lines = new ArrayList<Line>();
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            number++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String text;
            try {
                text = decoder.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString();
            } catch (CharacterCodingException e) {
                throw new PreferenceFormatException(file, number, "not valid UTF-8 text (" + badByte(bytes, start, stop)
                        + ")");
            }
            lines.add(new Line(file, number, text));
            start = end + 1;
        }
        return lines;
    }

    /** Where the first invalid UTF-8 sequence starts, for the message. */
    private static String badByte(byte[] bytes, int start, int stop) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes, start, stop - start);
        var out = java.nio.CharBuffer.allocate(stop - start + 1);
        var result = decoder.decode(in, out, true);
        int at = in.position() - start;
        return result.isError() ? String.format("byte 0x%02X at byte %d of the line", bytes[in.position()] & 0xFF, at + 1)
                : "incomplete sequence at the end of the line";
    }

    /**
     * Parses a line as one JSON object.
     *
     * @throws PreferenceFormatException for an empty line, invalid JSON or a value that is not an object
     */
    static Json.Node object(Line line) {
        if (line.text().isBlank()) {
            throw line.error("empty line (expected one JSON object per line)");
        }
        Json.Node node;
        String source = "<line>";
        try {
            node = Json.parse(line.text(), source);
        } catch (IllegalArgumentException e) {
            // Json names "<line>: invalid JSON at line 1, column C": the line is ours, the column is its.
            String message = String.valueOf(e.getMessage()).replace(source + ": ", "").replace("at line 1, column", "at column");
            throw line.error(message);
        }
        if (!(node.value() instanceof java.util.Map<?, ?>)) {
            throw line.error("expected a JSON object, found " + node.describe());
        }
        return node;
    }

    /**
     * Checks that {@code object} has exactly the keys {@code expected}.
     *
     * @param what what the line is, for messages ({@code "a ranking line"})
     */
    static void requireKeys(Line line, Json.Node object, List<String> expected, String what) {
        for (String key : object.object().keySet()) {
            if (!expected.contains(key)) {
                throw line.error("unexpected key \"" + key + "\": " + what + " has exactly the keys " + keys(expected));
            }
        }
        Set<String> missing = new TreeSet<>();
        for (String key : expected) {
            if (!object.has(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw line.error("missing key" + (missing.size() > 1 ? "s " : " ") + keys(List.copyOf(missing)) + ": "
                    + what + " has exactly the keys " + keys(expected));
        }
    }

    /**
     * Parses a line as one JSON object and returns its member {@code key}, a non-empty string; other members
     * are ignored.
     *
     * @param hint added to the message when the key is missing (what the file should hold)
     * @throws PreferenceFormatException naming the line: not an object, the key missing, not a string, empty
     */
    public static String textMember(Line line, String key, String hint) {
        Json.Node object = object(line);
        if (!object.has(key)) {
            throw line.error("missing key \"" + key + "\"" + (hint.isEmpty() ? "" : " " + hint));
        }
        return text(line, object, key);
    }

    /** A non-empty string member. */
    static String text(Line line, Json.Node object, String key) {
        Json.Node value = object.opt(key);
        if (!(value.value() instanceof String s)) {
            throw line.error("\"" + key + "\" must be a string, found " + value.describe());
        }
        if (s.isEmpty()) {
            throw line.error("\"" + key + "\" must not be empty");
        }
        return s;
    }

    private static String keys(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(java.util.stream.Collectors.joining(", "));
    }

    /** Reads every line of a file through {@code reader}. */
    static <T> List<T> readAll(Path file, java.util.function.Function<Line, T> reader) {
        var out = new ArrayList<T>();
        for (Line line : lines(file)) {
            out.add(reader.apply(line));
        }
        return out;
    }
}
