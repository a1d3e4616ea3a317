package dev.quire.rlhf.ranking;

import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.rlhf.data.PreferenceFormatException;
import dev.quire.rlhf.data.Ranking;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * The output file of a ranking session: ranking JSON lines, only ever appended to, each answer written and
 * forced to disk ({@code fsync}) before the next prompt is shown, so an interrupted session loses nothing it
 * was told.
 *
 * <p>Opening an existing file first validates all of it ({@link PreferenceFiles#readRankings}): a malformed
 * file is an error naming the line, and the file is left as it is. Its rankings are then matched, in order,
 * to the prompts: each record's prompt must occur in the prompts after the previous record's, and the
 * session resumes after the last one matched. (A prompt skipped before that point stays skipped; one
 * skipped after it is asked again: skips are not written down.)
 *
 * <p>The file is locked while open, so a second session on the same file is refused.
 */
public final class RankingLog implements Closeable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final int recorded;
    private final int nextPrompt;

    private RankingLog(Path file, FileChannel channel, FileLock lock, int recorded, int nextPrompt) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.recorded = recorded;
        this.nextPrompt = nextPrompt;
    }

    /**
     * Opens (creating it if absent) the output file of a session ranking {@code k} completions of each of
     * {@code prompts}.
     *
     * @throws PreferenceFormatException if the existing file is malformed, has rankings of another K, or holds
     *                                   prompts that do not follow the prompts file; names the line
     * @throws IllegalStateException     if another session holds the file
     */
    public static RankingLog open(Path file, List<String> prompts, int k) {
        Objects.requireNonNull(prompts, "prompts");
        int next = 0;
        int recorded = 0;
        boolean needsNewline = false;
        if (Files.exists(file)) {
            List<Ranking> existing = PreferenceFiles.readRankings(file);
            for (int r = 0; r < existing.size(); r++) {
                Ranking ranking = existing.get(r);
                int line = r + 1; // blank lines are errors, so ranking r is on line r + 1
                if (ranking.k() != k) {
                    throw new PreferenceFormatException(file, line, "this ranking has " + ranking.k()
                            + " completions, but the session ranks k = " + k + " (resume with the same --k)");
                }
                int found = indexOf(prompts, ranking.prompt(), next);
                if (found < 0) {
                    throw new PreferenceFormatException(file, line, "its prompt " + shorten(ranking.prompt())
                            + " is not among the prompts after prompt " + next + " of the prompts file: was this file "
                            + "written for other prompts, or were they changed or reordered? (use another --out)");
                }
                next = found + 1;
                recorded++;
            }
            needsNewline = endsWithoutNewline(file);
        }
        FileChannel channel = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException(file + " is in use by another ranking session");
            }
            var log = new RankingLog(file, channel, lock, recorded, next);
            if (needsNewline) {
                // The last line was complete JSON but its line end was never written: add it before appending.
                log.write("\n");
            }
            return log;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open " + file + " for appending", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static int indexOf(List<String> prompts, String prompt, int from) {
        for (int i = from; i < prompts.size(); i++) {
            if (prompts.get(i).equals(prompt)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean endsWithoutNewline(Path file) {
        try (var in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                return false;
            }
            var last = ByteBuffer.allocate(1);
            in.read(last, size - 1);
            return last.get(0) != '\n';
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String shorten(String text) {
        String oneLine = text.replace("\n", "\\n");
        return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 60) + "..." : oneLine) + "\"";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** How many rankings the file held when opened. */
    public int recorded() {
        return recorded;
    }

    /** The 0-based index of the first prompt still to rank: one after the prompt of the file's last ranking. */
    public int nextPrompt() {
        return nextPrompt;
    }

    /** Appends one ranking as a JSON line and forces it to disk before returning. */
    public void append(Ranking ranking) {
        write(ranking.toJsonLine() + "\n");
    }

    private void write(String text) {
        var bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
