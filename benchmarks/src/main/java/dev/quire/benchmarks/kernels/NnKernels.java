package dev.quire.benchmarks.kernels;

import dev.quire.tensor.Arena;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the fused, memory-bound kernels of a training step through the public {@link Tensor} API, as the
 * model calls them: layer norm over the width, exact GELU on the MLP's hidden layer, softmax +
 * cross-entropy on the logits. Each has a forward-only benchmark (under {@link Grad#disabled()}) and a
 * forward + backward one; every invocation runs inside the same {@link Arena}, recycled, as a training
 * step does, so steady-state allocation is not what is measured.
 *
 * <p>Six warm-up iterations: on a busy machine C2 took two to three seconds to compile the GELU loop, and
 * until then one invocation took a second (measured 14:59: 1.9 s, 91 ms, then 1.3–1.9 ms).
 *
 * <p>{@code rows} is batch × context: 768 for the Shakespeare recipe (12 × 64), 4096 for the small preset.
 * Width 384, hidden 1536 (4 × 384), vocabulary 65 (Tiny Shakespeare's characters).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC"})
public class NnKernels {

    static final int WIDTH = 384;
    static final int HIDDEN = 4 * WIDTH;
    static final int VOCAB = 65;

    @Param({"768", "4096"})
    public int rows;

    @Param({"2"})
    public int threads;

    private final Arena arena = new Arena();
    private Tensor x;          // [rows, WIDTH]
    private Tensor lnWeight;   // [WIDTH]
    private Tensor lnBias;     // [WIDTH]
    private Tensor hidden;     // [rows, HIDDEN]
    private Tensor logits;     // [rows, VOCAB]
    private int[] targets;     // [rows]
    private Tensor upstreamLn;   // a fixed gradient for layer norm's output, [rows, WIDTH]
    private Tensor upstreamGelu; // and for GELU's, [rows, HIDDEN]

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(2);
        x = Tensor.of(KernelBenchmarks.uniform(rng, rows * WIDTH), rows, WIDTH).requiresGrad(true);
        lnWeight = Tensor.of(KernelBenchmarks.uniform(rng, WIDTH), WIDTH).requiresGrad(true);
        lnBias = Tensor.of(KernelBenchmarks.uniform(rng, WIDTH), WIDTH).requiresGrad(true);
        hidden = Tensor.of(KernelBenchmarks.uniform(rng, rows * HIDDEN), rows, HIDDEN).requiresGrad(true);
        logits = Tensor.of(KernelBenchmarks.uniform(rng, rows * VOCAB), rows, VOCAB).requiresGrad(true);
        targets = new int[rows];
        for (int i = 0; i < rows; i++) {
            targets[i] = rng.nextInt(VOCAB);
        }
        upstreamLn = Tensor.of(KernelBenchmarks.uniform(rng, rows * WIDTH), rows, WIDTH);
        upstreamGelu = Tensor.of(KernelBenchmarks.uniform(rng, rows * HIDDEN), rows, HIDDEN);
    }

    @Benchmark
    public float layerNormForward() {
        try (var g = Grad.disabled(); var s = arena.open(true)) {
            return x.layerNorm(lnWeight, lnBias, 1e-5f).data()[0];
        }
    }

    @Benchmark
    public float layerNormForwardBackward() {
        try (var s = arena.open(true)) {
            Tensor y = x.layerNorm(lnWeight, lnBias, 1e-5f);
            backwardFrom(y, upstreamLn);
            return x.grad()[0];
        }
    }

    @Benchmark
    public float geluForward() {
        try (var g = Grad.disabled(); var s = arena.open(true)) {
            return hidden.gelu().data()[0];
        }
    }

    @Benchmark
    public float geluForwardBackward() {
        try (var s = arena.open(true)) {
            backwardFrom(hidden.gelu(), upstreamGelu);
            return hidden.grad()[0];
        }
    }

    @Benchmark
    public float crossEntropyForward() {
        try (var g = Grad.disabled(); var s = arena.open(true)) {
            return logits.crossEntropy(targets, -1, 0f).data()[0];
        }
    }

    @Benchmark
    public float crossEntropyForwardBackward() {
        try (var s = arena.open(true)) {
            Tensor loss = logits.crossEntropy(targets, -1, 0f);
            loss.backward();
            return logits.grad()[0];
        }
    }

    /**
     * Backpropagates a fixed gradient {@code upstream} into {@code y} through a one-element op whose
     * backward adds {@code upstream} to y's gradient: the kernel's own backward, plus one add pass, instead
     * of the extra multiply and sum a scalar loss would take. Leaf gradients are dropped first, so every
     * invocation does the same work.
     */
    private void backwardFrom(Tensor y, Tensor upstream) {
        x.zeroGrad();
        lnWeight.zeroGrad();
        lnBias.zeroGrad();
        hidden.zeroGrad();
        float[] up = upstream.data();
        Tensor root = Tensor.fromOp(new float[1], new int[] {1}, new Tensor[] {y}, g -> {
            float[] gy = y.gradForAccumulation();
            float s = g[0];
            for (int i = 0; i < gy.length; i++) {
                gy[i] += s * up[i];
            }
        });
        root.backward();
    }
}
