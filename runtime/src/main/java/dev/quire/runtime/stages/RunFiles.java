package dev.quire.runtime.stages;

import java.nio.file.Path;

/** The files a run writes into its output directory. */
public final class RunFiles {

    private RunFiles() {
    }

    /** {@code checkpoint-latest.pb}: the state after the last checkpointed step (resumable). */
    public static Path latest(Path output) {
        return output.resolve("checkpoint-latest.pb");
    }

    /** {@code checkpoint-best.pb}: the state at the best validation loss so far. */
    public static Path best(Path output) {
        return output.resolve("checkpoint-best.pb");
    }

    /** {@code metrics.jsonl}: one JSON object per line, each tagged with its stage. */
    public static Path metrics(Path output) {
        return output.resolve("metrics.jsonl");
    }

    /** {@code samples.txt}: every sample the sample stage printed. */
    public static Path samples(Path output) {
        return output.resolve("samples.txt");
    }

    /** The checkpoint named by a stage's {@code checkpoint:} option ({@code latest} or {@code best}). */
    public static Path named(Path output, String which) {
        return "best".equals(which) ? best(output) : latest(output);
    }
}
