/**
 * What a person sees and what a run leaves behind while it works: the {@link
 * dev.quire.runtime.console.Console} (standard output for results, standard error for progress),
 * {@link dev.quire.runtime.console.ProgressBar} (redrawn in place on a terminal, plain lines in
 * logs) and {@link dev.quire.runtime.console.JsonLinesMetrics} ({@code metrics.jsonl}).
 */
package dev.quire.runtime.console;
