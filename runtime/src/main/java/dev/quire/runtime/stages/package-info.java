/**
 * The runtime's built-in stages, created by Guice with their options: {@link
 * dev.quire.runtime.stages.PretrainStage} ({@code pretrain}), {@link dev.quire.runtime.stages.EvaluateStage}
 * ({@code evaluate}) and {@link dev.quire.runtime.stages.SampleStage} ({@code sample}), with the
 * helpers they share (corpus loading, model building, run files).
 */
package dev.quire.runtime.stages;
