package dev.quire.runtime.console;

import dev.quire.api.MetricsSink;
import dev.quire.runtime.config.Json;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A {@link MetricsSink} that appends each record as one JSON object per line to a file (usually
 * {@code <output>/metrics.jsonl}), flushed after every record so that a crash loses nothing.
 * Appending lets a resumed run continue the same file.
 */
public final class JsonLinesMetrics implements MetricsSink, Closeable {

    private final Path file;
    private final BufferedWriter writer;

    /** Opens {@code file} for appending, creating it if needed. */
    public JsonLinesMetrics(Path file) {
        this.file = file;
        try {
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    /** The file written to. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void record(Map<String, Object> record) {
        try {
            writer.write(Json.write(record));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
