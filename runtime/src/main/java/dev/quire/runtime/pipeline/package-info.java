/**
 * One run of a pipeline: {@link dev.quire.runtime.pipeline.PipelineRunner} reads and validates the
 * file, checks the output directory, builds one Guice injector (configuration, a map binding from
 * (kind, id) to every component, the {@link dev.quire.api.ComponentRegistry}, the stage context,
 * metrics and console) and runs the stages, which Guice creates with their options.
 */
package dev.quire.runtime.pipeline;
