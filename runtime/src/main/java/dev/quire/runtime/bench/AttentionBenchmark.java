package dev.quire.runtime.bench;

import dev.quire.api.Attention;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Forward and backward time and extra memory of one attention component at one shape: the measurement
 * behind {@code quire bench attention}. It takes any {@link Attention} (built-in {@code standard} and
 * {@code flash}, or a plugin's), so an ablation of attention implementations compares like with like.
 *
 * <p>Inputs are q {@code [B, H, T, D]} and k, v {@code [B, G, T, D]} from a standard normal (seed 1),
 * with a causal mask or none. Each repetition times a forward call, then the backward pass of
 * {@code sum(out ∘ G)} for a fixed random {@code G}; {@code warmup} untimed repetitions come first (JIT
 * compilation). Reported:
 * <ul>
 *   <li>{@code forward_ms}, {@code backward_ms}: the best repetition (and {@code *_median}). The backward
 *       time is that of the attention's own backward: the same backward pass with an identity stand-in
 *       for the attention (an op of the output's shape that hands its gradient to a leaf) is timed in
 *       every repetition, and its fastest time subtracted.</li>
 *   <li>{@code peak_bytes}: the heap bytes the forward call plus its backward pass allocated, on every
 *       thread (the caller and the tensor engine's pool threads alike), through
 *       {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}, which also keeps the
 *       allocations of threads that ended meanwhile. Nothing the call allocates (output, log-sum-exp,
 *       probabilities or tiles, scratch) can be freed before its backward pass ends, so this is the
 *       call's peak extra memory, up to scratch that an implementation frees during its backward pass
 *       (an upper bound then). Not counted: the gradient arrays of q, k and v (allocated by the first
 *       backward pass only, the same for every implementation), autograd's own arrays (the output's
 *       gradient and those of the harness's product and sum: what the stand-in's backward pass
 *       allocates is subtracted), and scratch an implementation keeps between calls (flash's per-thread
 *       tiles, allocated during the warm-up); {@code forward_bytes} and {@code backward_bytes} are the
 *       two parts. The smallest value over the repetitions is reported: until the JIT has compiled a
 *       kernel, the interpreter may box vectors on the heap.</li>
 *   <li>{@code score_matrix_bytes}: the size of the {@code B·H·T·T} float32 score matrix, for scale:
 *       a materializing implementation allocates at least this much, a tiled one far less.</li>
 *   <li>{@code forward_gflops}: {@code 4·B·H·T²·D} (halved when causal) over the forward time.</li>
 * </ul>
 * A shape the implementation refuses ({@link IllegalArgumentException}, for example {@code standard}'s
 * {@code B·H·T² > 2³¹}) or that does not fit in the heap ({@link OutOfMemoryError}) gives an
 * {@code error} entry (with {@code max_heap_bytes}) instead of the measurements.
 */
public final class AttentionBenchmark {

    private AttentionBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param impl    the attention's id, reported as {@code impl}
     * @param batch   {@code B}
     * @param heads   query heads {@code H}
     * @param kvHeads key/value heads {@code G} (grouped-query attention when fewer than {@code heads})
     * @param seq     sequence length {@code T} of queries and keys
     * @param dim     head width {@code D}
     * @param causal  causal mask, or none
     * @param threads threads of the tensor engine for the measurement; 0 keeps the current setting
     * @param reps    timed repetitions, at least 1
     * @param warmup  untimed repetitions first, at least 0
     */
    public record Config(String impl, int batch, int heads, int kvHeads, int seq, int dim, boolean causal,
                         int threads, int reps, int warmup) {

        /** @throws IllegalArgumentException naming the value out of range */
        public Config {
            Objects.requireNonNull(impl, "impl");
            positive("batch", batch);
            positive("heads", heads);
            positive("kv-heads", kvHeads);
            positive("seq", seq);
            positive("dim", dim);
            positive("reps", reps);
            if (threads < 0 || threads > 1024) {
                throw new IllegalArgumentException("threads must be from 1 to 1024 (0: unchanged), got " + threads);
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv-heads (" + kvHeads + ")");
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
            }
            long q = (long) batch * heads * seq * dim;
            if (q > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("q would have " + q + " elements (B·H·T·D), more than one array holds");
            }
        }

        private static void positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }

    /**
     * Measures {@code attention} at the configuration's shape.
     *
     * @return the results, in the order they are printed: {@code impl, batch, heads, kv_heads, seq, dim,
     *         causal, threads, reps, warmup, score_matrix_bytes}, then either {@code forward_ms,
     *         backward_ms, forward_ms_median, backward_ms_median, forward_bytes, backward_bytes,
     *         peak_bytes, forward_gflops} ({@code peak_bytes} and its parts null where the JVM cannot
     *         count allocations) or {@code error, max_heap_bytes}
     */
    public static Map<String, Object> run(Config c, Attention attention) {
        Objects.requireNonNull(attention, "attention");
        int previousThreads = Parallel.threads();
        if (c.threads() > 0) {
            Parallel.setThreads(c.threads());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("impl", c.impl());
        result.put("batch", c.batch());
        result.put("heads", c.heads());
        result.put("kv_heads", c.kvHeads());
        result.put("seq", c.seq());
        result.put("dim", c.dim());
        result.put("causal", c.causal());
        result.put("threads", Parallel.threads());
        result.put("reps", c.reps());
        result.put("warmup", c.warmup());
        result.put("score_matrix_bytes", 4L * c.batch() * c.heads() * c.seq() * c.seq());
        try {
            measure(c, attention, result);
        } catch (IllegalArgumentException | OutOfMemoryError e) {
            result.keySet().retainAll(List.of("impl", "batch", "heads", "kv_heads", "seq", "dim", "causal",
                    "threads", "reps", "warmup", "score_matrix_bytes"));
            String message = e.getMessage() == null ? "" : e.getMessage();
            result.put("error", e instanceof OutOfMemoryError
                    ? "out of memory (" + message + "): the call needs more than the heap's " + mib(Runtime.getRuntime().maxMemory())
                            + " MiB; the B·H·T·T score matrix alone is " + mib((Long) result.get("score_matrix_bytes"))
                            + " MiB (raise the heap with QUIRE_JAVA_OPTS=-Xmx..., or use a tiled attention such as flash)"
                    : message);
            result.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        } finally {
            if (c.threads() > 0) {
                Parallel.setThreads(previousThreads);
            }
        }
        return result;
    }

    private static void measure(Config c, Attention attention, Map<String, Object> result) {
        SplittableRandom random = new SplittableRandom(1);
        int qSize = c.batch() * c.heads() * c.seq() * c.dim();
        int kvSize = Math.multiplyExact(Math.multiplyExact(c.batch() * c.kvHeads(), c.seq()), c.dim());
        Tensor q = Tensor.parameter(gaussian(random, qSize), c.batch(), c.heads(), c.seq(), c.dim());
        Tensor k = Tensor.parameter(gaussian(random, kvSize), c.batch(), c.kvHeads(), c.seq(), c.dim());
        Tensor v = Tensor.parameter(gaussian(random, kvSize), c.batch(), c.kvHeads(), c.seq(), c.dim());
        Tensor gradOut = Tensor.of(gaussian(random, qSize), c.batch(), c.heads(), c.seq(), c.dim());
        AttentionMask mask = c.causal() ? AttentionMask.CAUSAL : AttentionMask.NONE;
        AllocationMeter meter = AllocationMeter.create();

        double[] forward = new double[c.reps()];
        double[] backward = new double[c.reps()];
        double[] harness = new double[c.reps()];
        long forwardBytes = Long.MAX_VALUE;
        long backwardBytes = Long.MAX_VALUE;
        // The harness alone: the same graph with an identity stand-in for the attention, an op result of the
        // output's shape whose backward hands its gradient to a long-lived leaf (as attention's reaches q, k
        // and v), so that autograd's own arrays (the output's gradient, those of the product and the sum)
        // are the same on both sides and cancel.
        Tensor x = Tensor.parameter(new float[qSize], q.shape());
        float[] standIn = new float[qSize];
        for (int rep = -c.warmup(); rep < c.reps(); rep++) {
            Tensor y = Tensor.fromOp(standIn, q.shape(), new Tensor[] {x}, g -> {
                float[] gx = x.gradForAccumulation();
                for (int i = 0; i < g.length; i++) {
                    gx[i] += g[i];
                }
            });
            Tensor harnessLoss = y.mul(gradOut).sum();
            long b0 = meter.bytes();
            long t0 = System.nanoTime();
            harnessLoss.backward();
            long t1 = System.nanoTime();
            long b1 = meter.bytes();

            long b2 = meter.bytes();
            long t2 = System.nanoTime();
            AttentionResult out = attention.forward(q, k, v, mask);
            long t3 = System.nanoTime();
            long b3 = meter.bytes();
            Tensor loss = out.output().mul(gradOut).sum();
            long b4 = meter.bytes();
            long t4 = System.nanoTime();
            loss.backward();
            long t5 = System.nanoTime();
            long b5 = meter.bytes();
            if (rep >= 0) {
                forward[rep] = (t3 - t2) / 1e6;
                harness[rep] = (t1 - t0) / 1e6;
                backward[rep] = (t5 - t4) / 1e6;
                forwardBytes = Math.min(forwardBytes, b3 - b2);
                backwardBytes = Math.min(backwardBytes, Math.max(0, (b5 - b4) - (b1 - b0)));
            }
        }
        // The harness's fastest time, subtracted from the backward times (its slower repetitions are noise).
        double harnessMs = min(harness);
        result.put("forward_ms", round(min(forward)));
        result.put("backward_ms", round(Math.max(0, min(backward) - harnessMs)));
        result.put("forward_ms_median", round(median(forward)));
        result.put("backward_ms_median", round(Math.max(0, median(backward) - harnessMs)));
        boolean counted = meter.available();
        result.put("forward_bytes", counted ? forwardBytes : null);
        result.put("backward_bytes", counted ? backwardBytes : null);
        result.put("peak_bytes", counted ? forwardBytes + backwardBytes : null);
        double pairs = (double) c.batch() * c.heads() * c.seq() * c.seq() * (c.causal() ? 0.5 : 1);
        result.put("forward_gflops", round(4 * pairs * c.dim() / (min(forward) * 1e6)));
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round(double x) {
        return Double.isFinite(x) ? Math.round(x * 1000) / 1000.0 : x;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /**
     * Heap bytes allocated so far by all threads, the ended ones included, through
     * {@code com.sun.management.ThreadMXBean} (looked up reflectively: the runtime does not require
     * {@code jdk.management}, and a JVM without it only loses {@code peak_bytes}). Where
     * {@code getTotalThreadAllocatedBytes} is missing, the sum over the live threads.
     */
    static final class AllocationMeter {
        private final Object bean;
        private final Method total;
        private final Method threadIds;
        private final Method perThread;

        private AllocationMeter(Object bean, Method total, Method threadIds, Method perThread) {
            this.bean = bean;
            this.total = total;
            this.threadIds = threadIds;
            this.perThread = perThread;
        }

        static AllocationMeter create() {
            try {
                Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                        .invoke(null);
                Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
                if (!sun.isInstance(bean)
                        || !(Boolean) sun.getMethod("isThreadAllocatedMemorySupported").invoke(bean)) {
                    return new AllocationMeter(null, null, null, null);
                }
                if (!(Boolean) sun.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
                    sun.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
                }
                Method total = null;
                try {
                    total = sun.getMethod("getTotalThreadAllocatedBytes");
                    if ((Long) total.invoke(bean) < 0) {
                        total = null;
                    }
                } catch (NoSuchMethodException e) {
                    total = null;
                }
                Method ids = Class.forName("java.lang.management.ThreadMXBean").getMethod("getAllThreadIds");
                Method bytes = sun.getMethod("getThreadAllocatedBytes", long[].class);
                return new AllocationMeter(bean, total, ids, bytes);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return new AllocationMeter(null, null, null, null);
            }
        }

        boolean available() {
            return bean != null;
        }

        long bytes() {
            if (bean == null) {
                return 0;
            }
            try {
                if (total != null) {
                    return (Long) total.invoke(bean);
                }
                long sum = 0;
                for (long b : (long[]) perThread.invoke(bean, threadIds.invoke(bean))) {
                    sum += Math.max(0, b);
                }
                return sum;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("reading the allocation counters failed", e);
            }
        }
    }
}
