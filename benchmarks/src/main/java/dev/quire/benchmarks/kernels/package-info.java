/**
 * JMH benchmarks of Quire's numeric kernels: the matrix products in their three forms on the model's
 * shapes ({@link dev.quire.benchmarks.kernels.MatMulKernels}), layer norm, GELU and softmax +
 * cross-entropy forward and backward ({@link dev.quire.benchmarks.kernels.NnKernels}) and one AdamW step
 * ({@link dev.quire.benchmarks.kernels.AdamWKernel}). {@link dev.quire.benchmarks.kernels.KernelBenchmarks}
 * runs them and adds GFLOP/s and a JSON line. Benchmarks, not tests: nothing here runs in a build.
 */
package dev.quire.benchmarks.kernels;
