/**
 * Row-major float32 tensors on heap arrays with reverse-mode automatic differentiation.
 *
 * <p>{@link dev.quire.tensor.Tensor} is the facade: every operation returns a new tensor and, when
 * {@link dev.quire.tensor.Grad#enabled() gradient recording} is on and an input requires a gradient,
 * remembers its inputs and a backward closure. {@link dev.quire.tensor.Tensor#backward()} walks that
 * graph in reverse topological order and accumulates into {@link dev.quire.tensor.Tensor#grad()}.
 *
 * <p>The hot loops live in {@link dev.quire.tensor.MatMul} (register-blocked Vector API kernels) and
 * run on {@link dev.quire.tensor.Parallel}'s pool. Results never depend on thread scheduling: every
 * parallel chunk writes its own part of the output and reductions combine fixed chunks in a fixed order.
 *
 * <p>{@link dev.quire.tensor.Safetensors} reads and writes the safetensors file format.
 *
 * <p>Stability: the public signatures of this package only grow; package-private op classes may change.
 */
package dev.quire.tensor;
