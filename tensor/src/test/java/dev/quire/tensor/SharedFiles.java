package dev.quire.tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared reference fixtures: system property {@code quire.shared}, else {@code ../../shared}. */
final class SharedFiles {

    private SharedFiles() {}

    static Path reference(String file) {
        String prop = System.getProperty("quire.shared");
        Path base = prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop) : Path.of("../../shared");
        return base.resolve("reference").resolve(file);
    }
}
