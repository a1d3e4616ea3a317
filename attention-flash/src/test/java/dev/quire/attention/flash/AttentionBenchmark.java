package dev.quire.attention.flash;

import dev.quire.api.Attention;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Forward and backward time and extra memory of {@code standard} and {@code flash} attention at one
 * shape: the measurement behind {@code quire bench attention} (issue 5), as a plain {@code main} so the
 * CLI can call {@link #run} and print its result.
 *
 * <pre>
 *   java ... dev.quire.attention.flash.AttentionBenchmark --impl standard|flash|both --batch B --heads H
 *        [--kv-heads G] --seq T --dim D [--causal] [--threads N] [--reps R] [--warmup W]
 *        [--query-tile Br] [--key-tile Bc]
 * </pre>
 *
 * <p>Per implementation it prints one JSON object per line (the last line is the last implementation's):
 * {@code forward_ms} and {@code backward_ms} (best of {@code reps} timed calls after {@code warmup}
 * untimed ones; also the medians), and {@code peak_bytes}: the bytes the forward call plus its backward
 * pass allocated on all threads (output, log-sum-exp, probabilities or tiles, scratch), measured with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}; nothing of it is freed before the
 * backward pass ends, so it is the call's peak extra memory. The gradient arrays of q, k, v (allocated
 * once, the same for both) are not counted; the backward timing drives autograd through
 * {@code sum(out ∘ G)}, and the cost of that harness measured alone is subtracted from the time and
 * memory. A shape an implementation refuses (standard at {@code B·H·T² > 2³¹}) or cannot fit in the heap
 * prints {@code "error"} instead of numbers.
 */
public final class AttentionBenchmark {

    private AttentionBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param impl     {@code standard} or {@code flash}
     * @param kvHeads  key/value heads (grouped-query when fewer than heads)
     */
    public record Config(String impl, int batch, int heads, int kvHeads, int seq, int dim, boolean causal,
                         int threads, int reps, int warmup, int queryTile, int keyTile) {
    }

    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        String impl = options.getOrDefault("impl", "both");
        List<String> impls = impl.equals("both") ? List.of("standard", "flash") : List.of(impl);
        for (String name : impls) {
            int heads = Integer.parseInt(options.getOrDefault("heads", "8"));
            Config config = new Config(name,
                    Integer.parseInt(options.getOrDefault("batch", "1")),
                    heads,
                    Integer.parseInt(options.getOrDefault("kv-heads", String.valueOf(heads))),
                    Integer.parseInt(options.getOrDefault("seq", "1024")),
                    Integer.parseInt(options.getOrDefault("dim", "64")),
                    options.containsKey("causal"),
                    Integer.parseInt(options.getOrDefault("threads", String.valueOf(Parallel.threads()))),
                    Integer.parseInt(options.getOrDefault("reps", "5")),
                    Integer.parseInt(options.getOrDefault("warmup", "2")),
                    Integer.parseInt(options.getOrDefault("query-tile", "64")),
                    Integer.parseInt(options.getOrDefault("key-tile", "64")));
            System.out.println(json(run(config)));
        }
    }

    /** Runs one configuration; the result's keys in the order they are printed. */
    public static Map<String, Object> run(Config c) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("impl", c.impl());
        result.put("batch", c.batch());
        result.put("heads", c.heads());
        result.put("kv_heads", c.kvHeads());
        result.put("seq", c.seq());
        result.put("dim", c.dim());
        result.put("causal", c.causal());
        result.put("threads", c.threads());
        Attention attention = switch (c.impl()) {
            case "flash" -> new FlashAttention(new FlashAttentionOptions(c.queryTile(), c.keyTile()));
            case "standard" -> standard();
            default -> throw new IllegalArgumentException("--impl must be standard, flash or both, got " + c.impl());
        };
        int previousThreads = Parallel.threads();
        Parallel.setThreads(c.threads());
        try {
            SplittableRandom random = new SplittableRandom(1);
            int qSize = c.batch() * c.heads() * c.seq() * c.dim();
            int kvSize = c.batch() * c.kvHeads() * c.seq() * c.dim();
            Tensor q = Tensor.parameter(Numerics.gaussian(random, qSize), c.batch(), c.heads(), c.seq(), c.dim());
            Tensor k = Tensor.parameter(Numerics.gaussian(random, kvSize), c.batch(), c.kvHeads(), c.seq(), c.dim());
            Tensor v = Tensor.parameter(Numerics.gaussian(random, kvSize), c.batch(), c.kvHeads(), c.seq(), c.dim());
            Tensor gradOut = Tensor.of(Numerics.gaussian(random, qSize), c.batch(), c.heads(), c.seq(), c.dim());
            AttentionMask mask = c.causal() ? AttentionMask.CAUSAL : AttentionMask.NONE;
            AllocationMeter meter = AllocationMeter.create();

            double[] forward = new double[c.reps()];
            double[] backward = new double[c.reps()];
            double[] harness = new double[c.reps()];
            long forwardBytes = Long.MAX_VALUE;
            long backwardBytes = Long.MAX_VALUE;
            long harnessBytes = Long.MAX_VALUE;
            for (int rep = -c.warmup(); rep < c.reps(); rep++) {
                // The harness alone: d(sum(x ∘ G))/dx for a fresh leaf of the output's shape.
                Tensor x = Tensor.parameter(new float[qSize], q.shape());
                Tensor harnessLoss = x.mul(gradOut).sum();
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
                    harness[rep] = (t1 - t0) / 1e6;
                    forward[rep] = (t3 - t2) / 1e6;
                    backward[rep] = (t5 - t4) / 1e6;
                    harnessBytes = Math.min(harnessBytes, b1 - b0);
                    forwardBytes = Math.min(forwardBytes, b3 - b2);
                    backwardBytes = Math.min(backwardBytes, b5 - b4);
                }
            }
            double harnessMs = min(harness);
            result.put("forward_ms", round(min(forward)));
            result.put("backward_ms", round(Math.max(0, min(backward) - harnessMs)));
            result.put("forward_ms_median", round(median(forward)));
            result.put("backward_ms_median", round(Math.max(0, median(backward) - harnessMs)));
            if (meter.available()) {
                long attentionBackward = Math.max(0, backwardBytes - harnessBytes);
                result.put("forward_bytes", forwardBytes);
                result.put("backward_bytes", attentionBackward);
                result.put("peak_bytes", forwardBytes + attentionBackward);
            } else {
                result.put("peak_bytes", null);
            }
            // Flops of the multiplies actually needed (a causal mask halves them), for comparison.
            double pairs = (double) c.batch() * c.heads() * c.seq() * c.seq() * (c.causal() ? 0.5 : 1);
            result.put("forward_gflops", round(4 * pairs * c.dim() / (min(forward) * 1e6)));
        } catch (IllegalArgumentException | OutOfMemoryError e) {
            result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            Parallel.setThreads(previousThreads);
        }
        return result;
    }

    private static Attention standard() {
        Numerics.readStandardAttention();
        try {
            return (Attention) Class.forName("dev.quire.attention.standard.StandardAttention")
                    .getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("attention-standard is not on the path", e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("causal")) {
                options.put(key, "true");
            } else if (i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return options;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** One JSON object on one line. */
    static String json(Map<String, Object> map) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object value = e.getValue();
            String text = value == null ? "null"
                    : value instanceof String s ? '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"'
                    : String.format(Locale.ROOT, "%s", value);
            parts.add('"' + e.getKey() + "\":" + text);
        }
        return "{" + String.join(",", parts) + "}";
    }

    /**
     * Bytes allocated so far by all live threads, through {@code com.sun.management.ThreadMXBean}, looked
     * up reflectively so that this module need not read {@code java.management}.
     */
    static final class AllocationMeter {
        private final Object bean;
        private final Method threadIds;
        private final Method allocated;

        private AllocationMeter(Object bean, Method threadIds, Method allocated) {
            this.bean = bean;
            this.threadIds = threadIds;
            this.allocated = allocated;
        }

        static AllocationMeter create() {
            try {
                Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
                Method ids = Class.forName("java.lang.management.ThreadMXBean").getMethod("getAllThreadIds");
                Method bytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long[].class);
                return new AllocationMeter(bean, ids, bytes);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return new AllocationMeter(null, null, null);
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
                long[] perThread = (long[]) allocated.invoke(bean, threadIds.invoke(bean));
                long sum = 0;
                for (long b : perThread) {
                    sum += Math.max(0, b);
                }
                return sum;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
