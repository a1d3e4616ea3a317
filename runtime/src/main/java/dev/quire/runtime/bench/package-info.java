/**
 * {@code quire bench}: {@link dev.quire.runtime.bench.TrainBenchmark}, training speed of the
 * {@code tiny} and {@code small} presets, comparable with {@code anchors/torch_gpt_bench.py}.
 */
package dev.quire.runtime.bench;
