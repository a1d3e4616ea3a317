package dev.quire.api;

import java.util.Map;

/** Receives metrics as they are produced; the runtime writes each record as one JSON line. */
@FunctionalInterface
public interface MetricsSink {

    /** A sink that drops everything. */
    MetricsSink NONE = record -> { };

    /**
     * @param record names to numbers or strings, in the order they should be written
     *               ({@code step, loss, lr, ...})
     */
    void record(Map<String, Object> record);
}
