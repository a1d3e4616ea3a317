/**
 * {@code quire bench}: {@link dev.quire.runtime.bench.TrainBenchmark} (training speed of the
 * {@code tiny} and {@code small} presets, comparable with {@code anchors/torch_gpt_bench.py}) and
 * {@link dev.quire.runtime.bench.AttentionBenchmark} (forward, backward and allocated bytes of any
 * attention component). Each command's last line of standard output is one JSON object.
 */
package dev.quire.runtime.bench;
