package dev.quire.runtime.config;

import dev.quire.runtime.QuireUserException;
import java.nio.file.Path;

/**
 * A pipeline file that cannot be run: malformed YAML, an unknown key, a value of the wrong type,
 * an unknown component id, options that do not validate, a file it names that does not exist.
 *
 * <p>The message reads {@code FILE: line L, column C: KEY.PATH: PROBLEM}, where the problem says
 * what was found and what is allowed. It is raised while the file is read, before any work runs
 * and before anything is written.
 */
public final class ConfigException extends QuireUserException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    private final String keyPath;
    private final String problem;

    /**
     * @param file    the pipeline file
     * @param line    1-based line, or 0 when the problem is with the file as a whole
     * @param column  1-based column, or 0
     * @param keyPath dotted path of the key ({@code model.layers}, {@code stages[1].sample.topK}), or empty
     * @param problem what is wrong: what was found and what is allowed
     */
    public ConfigException(Path file, int line, int column, String keyPath, String problem) {
        this(file, line, column, keyPath, problem, null);
    }

    public ConfigException(Path file, int line, int column, String keyPath, String problem, Throwable cause) {
        super(format(file, line, column, keyPath, problem), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.keyPath = keyPath == null ? "" : keyPath;
        this.problem = problem;
    }

    private static String format(Path file, int line, int column, String keyPath, String problem) {
        var text = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            text.append(": line ").append(line);
            if (column > 0) {
                text.append(", column ").append(column);
            }
        }
        text.append(": ");
        if (keyPath != null && !keyPath.isEmpty()) {
            text.append(keyPath).append(": ");
        }
        return text.append(problem).toString();
    }

    /** The pipeline file. */
    public Path file() {
        return file;
    }

    /** 1-based line of the problem, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** 1-based column, or 0. */
    public int column() {
        return column;
    }

    /** Dotted key path, or empty. */
    public String keyPath() {
        return keyPath;
    }

    /** The problem without the location. */
    public String problem() {
        return problem;
    }
}
