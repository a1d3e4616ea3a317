package dev.quire.runtime.cli;

import dev.quire.tensor.Parallel;

/** The {@code --threads} option shared by commands. */
final class Threads {

    private Threads() {
    }

    /** Sets the tensor engine's thread count, if given. */
    static void apply(Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1 || threads > 1024) {
            throw new dev.quire.runtime.QuireUserException("--threads must be from 1 to 1024, got " + threads);
        }
        Parallel.setThreads(threads);
    }
}
