package dev.quire.benchmarks.kernels;

import dev.quire.tensor.MatMul;
import dev.quire.tensor.Parallel;
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
 * JMH: one {@link MatMul} product per invocation, {@code C[m, n] = A·B} in the form the model's forward
 * and backward passes use it: {@code nn} (A[m, k]·B[k, n]), {@code nt} (A[m, k]·B[n, k]ᵀ, every
 * {@code linear} forward) and {@code tn} (A[k, m]ᵀ·B[k, n], every weight gradient). The shapes are the
 * ones issue 3 names (the small preset's and the Shakespeare recipe's). GFLOP/s = 2·m·k·n / time, which
 * {@link KernelBenchmarks} prints beside JMH's microseconds per product.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC"})
public class MatMulKernels {

    /** {@code MxKxN} (JMH splits parameter values at commas, so not {@code m,k,n}). */
    @Param({"4096x384x1152", "4096x384x1536", "4096x1536x384", "4096x384x65", "768x128x384"})
    public String shape;

    @Param({"nn", "nt", "tn"})
    public String form;

    /** Threads of {@link Parallel} (the calling thread included). */
    @Param({"2"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] c;
    private int m;
    private int k;
    private int n;

    @Setup
    public void setUp() {
        int[] mkn = KernelBenchmarks.shape(shape);
        m = mkn[0];
        k = mkn[1];
        n = mkn[2];
        Parallel.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        a = KernelBenchmarks.uniform(rng, m * k);   // [m, k], or [k, m] for tn
        b = KernelBenchmarks.uniform(rng, k * n);   // [k, n], or [n, k] for nt
        c = new float[m * n];                       // [m, n]
    }

    @Benchmark
    public float[] multiply() {
        switch (form) {
            case "nn" -> MatMul.nn(a, 0, b, 0, c, 0, m, k, n, false);
            case "nt" -> MatMul.nt(a, 0, b, 0, c, 0, m, k, n, false);
            case "tn" -> MatMul.tn(a, 0, b, 0, c, 0, m, k, n, false);
            default -> throw new IllegalArgumentException("MatMulKernels: form " + form + ", expected nn, nt or tn");
        }
        return c;
    }
}
