package dev.quire.runtime.config;

import java.nio.file.Path;

/**
 * The {@code data:} section: the text to train and validate on.
 *
 * @param corpus             a UTF-8 text file, or null when {@code builtin} is set
 * @param builtin            the name of a built-in corpus ({@code demo}), or null
 * @param chars              for a built-in corpus, about how many characters to generate
 * @param validationFraction the share of the text (its end) held out for validation, in (0, 0.5]
 */
public record DataConfig(Path corpus, String builtin, int chars, double validationFraction) {

    /** The built-in corpora. */
    public static final java.util.List<String> BUILTINS = java.util.List.of("demo");

    public DataConfig {
        if ((corpus == null) == (builtin == null)) {
            throw new IllegalArgumentException("give exactly one of 'corpus' (a text file) and 'builtin' (one of "
                    + String.join(", ", BUILTINS) + ")");
        }
        if (builtin != null && !BUILTINS.contains(builtin)) {
            throw new IllegalArgumentException("builtin must be one of " + String.join(", ", BUILTINS) + ", got '"
                    + builtin + "'");
        }
        if (chars < 1000 || chars > 50_000_000) {
            throw new IllegalArgumentException("chars must be from 1000 to 50000000, got " + chars);
        }
        if (!(validationFraction > 0 && validationFraction <= 0.5)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 0.5], got " + validationFraction);
        }
    }

    /** A short description for messages: the file, or {@code builtin demo}. */
    public String describe() {
        return corpus != null ? corpus.toString() : "builtin " + builtin + " (" + chars + " characters)";
    }
}
