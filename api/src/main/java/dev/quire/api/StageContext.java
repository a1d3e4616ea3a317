package dev.quire.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a stage gets from the runtime: the run's output directory, sinks for metrics and progress,
 * the components found, and a typed blackboard on which stages leave results for later stages.
 */
public interface StageContext {

    /** Directory for this run's outputs (checkpoints, metrics, charts); exists. */
    Path outputDirectory();

    /** The run's random seed. */
    long seed();

    /** Where to send metrics. */
    MetricsSink metrics();

    /** Where to report progress. */
    ProgressListener progress();

    /** Prints a line for the person running Quire. */
    void say(String line);

    /** The components found in this run. */
    ComponentRegistry components();

    /** A result left by an earlier stage, if any. */
    <T> Optional<T> get(Class<T> type);

    /** Leaves a result for later stages, replacing any earlier one of the same type. */
    <T> void put(Class<T> type, T value);
}
