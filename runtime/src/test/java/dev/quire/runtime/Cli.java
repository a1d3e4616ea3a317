package dev.quire.runtime;

import dev.quire.runtime.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Runs the {@code quire} command line in-process and captures what it prints; test helpers. */
public final class Cli {

    private Cli() {
    }

    /**
     * What a command did.
     *
     * @param status exit status
     * @param out    standard output
     * @param err    standard error
     */
    public record Result(int status, String out, String err) {
        /** The last non-empty line of standard output. */
        public String lastOutLine() {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.getLast();
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs {@code quire args...}. */
    public static Result run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Result(status, out.toString(), err.toString());
    }

    /** The example plugin jar, built by the reactor before this module. */
    public static Path lionJar() {
        String property = System.getProperty("quire.lionJar");
        if (property == null) {
            throw new IllegalStateException("system property quire.lionJar is not set (see runtime/pom.xml)");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the example plugin jar " + jar + " is missing: build plugins/lion first "
                    + "(./mvnw -q -pl plugins/lion package)");
        }
        return jar;
    }

    /** Copies {@code jar} to {@code target}, replacing main manifest attributes ({@code null} value removes one). */
    public static void copyWithManifest(Path jar, Path target, java.util.Map<String, String> changes) throws IOException {
        try (InputStream in = Files.newInputStream(jar); var jarIn = new JarInputStream(in)) {
            Manifest manifest = new Manifest(jarIn.getManifest());
            Attributes main = manifest.getMainAttributes();
            changes.forEach((key, value) -> {
                if (value == null) {
                    main.remove(new Attributes.Name(key));
                } else {
                    main.putValue(key, value);
                }
            });
            try (OutputStream out = Files.newOutputStream(target); var jarOut = new JarOutputStream(out, manifest)) {
                for (JarEntry entry = jarIn.getNextJarEntry(); entry != null; entry = jarIn.getNextJarEntry()) {
                    jarOut.putNextEntry(new JarEntry(entry.getName()));
                    jarIn.transferTo(jarOut);
                    jarOut.closeEntry();
                }
            }
        }
    }

    /** Writes a text file (creating directories). */
    public static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * A small, fast pipeline: a 1-layer model of width 32 on 20,000 characters of the demo corpus.
     *
     * @param optimizer the optimizer block, e.g. {@code "{id: adamw, lr: 3.0e-3}"}
     * @param steps     pretrain steps
     */
    public static String tinyPipeline(String optimizer, int steps) {
        return """
                seed: 7
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 32, context: 16, attention: {id: standard}, positional: {id: learned}}
                optimizer: %s
                schedule: {id: constant}
                stages:
                  - pretrain: {steps: %d, batchSize: 8, evalInterval: 10, evalIterations: 2, checkpointInterval: 10}
                  - evaluate: {maxBatches: 4}
                  - sample: {prompt: "The ", tokens: 24, temperature: 0.8, topK: 10}
                """.formatted(optimizer, steps);
    }
}
