package dev.quire.runtime.pipeline;

/**
 * How a run was asked for on the command line, beyond the pipeline file.
 *
 * @param resume continue from {@code checkpoint-latest.pb} in the output directory
 */
public record RunSettings(boolean resume) {
}
