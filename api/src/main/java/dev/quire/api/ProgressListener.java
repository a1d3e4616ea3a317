package dev.quire.api;

/** Told how far long work has come; the runtime draws it as a progress bar. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (done, total, message) -> { };

    /**
     * @param done    units done so far
     * @param total   units in all, or -1 when unknown
     * @param message a short status ({@code "loss 2.31"}), may be empty
     */
    void update(long done, long total, String message);
}
