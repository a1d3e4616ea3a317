package dev.quire.rlhf.data;

import java.nio.file.Path;

/**
 * A preference file that cannot be read: the message names the file, the line (1-based) and what was
 * expected there, e.g. {@code prefs.jsonl line 3: "ranking" [0, 0, 2] is not a permutation of 0..2: index 0
 * appears twice}.
 */
public final class PreferenceFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /**
     * @param file the file
     * @param line the 1-based line, or 0 for the file as a whole
     * @param what what is wrong there
     */
    public PreferenceFormatException(Path file, int line, String what) {
        super(file + (line > 0 ? " line " + line : "") + ": " + what);
        this.file = file;
        this.line = line;
    }

    /** The file that holds the error. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the error, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }
}
