package dev.quire.runtime.bench;

import dev.quire.tensor.MatMul;
import dev.quire.tensor.Parallel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Speed of the {@link MatMul} kernels on one shape, in the three forms the model uses: {@code nn}
 * ({@code C = A·B}), {@code nt} ({@code C = A·Bᵀ}) and {@code tn} ({@code C = Aᵀ·B}). GFLOP/s is
 * {@code 2·m·k·n / time}, the best of several timed batches of at least {@code minMillis} ms each after
 * warm-up (the method of {@code docs/perf-notes.md}, comparable with {@code torch.mm} through
 * {@code scripts/torch_mm.py}). Warm-up lasts until the speed stops growing, so that a slow JIT on a busy
 * machine is not measured.
 */
public final class MatMulBenchmark {

    private MatMulBenchmark() {
    }

    /** @return {@code m, k, n, threads, gflops_nn, gflops_nt, gflops_tn, gflops (the lowest), peak_rss_bytes} */
    public static Map<String, Object> run(int m, int k, int n, int repeats, int minMillis) {
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = random(rng, m * k), b = random(rng, k * n);
        float[] c = new float[m * n];
        var result = new LinkedHashMap<String, Object>();
        result.put("m", m);
        result.put("k", k);
        result.put("n", n);
        result.put("threads", Parallel.threads());
        double lowest = Double.MAX_VALUE;
        for (String form : new String[] {"nn", "nt", "tn"}) {
            Runnable op = switch (form) {
                case "nn" -> () -> MatMul.nn(a, 0, b, 0, c, 0, m, k, n, false);
                case "nt" -> () -> MatMul.nt(a, 0, b, 0, c, 0, m, k, n, false);
                default -> () -> MatMul.tn(a, 0, b, 0, c, 0, m, k, n, false);
            };
            double gflops = measure(op, 2.0 * m * k * n, repeats, minMillis);
            result.put("gflops_" + form, Math.round(gflops * 10) / 10.0);
            lowest = Math.min(lowest, gflops);
        }
        result.put("gflops", Math.round(lowest * 10) / 10.0);
        long rss = TrainBenchmark.peakRssBytes();
        result.put("peak_rss_bytes", rss < 0 ? null : rss);
        return result;
    }

    private static double measure(Runnable op, double flops, int repeats, int minMillis) {
        // Warm-up: at least 300 ms, then on while the speed still grows (by more than 10% from one 100 ms
        // window to the next), for at most 5 s. On a busy machine C2 may take seconds to compile the
        // kernels, and until it has, the Vector API runs a hundred times slower: a fixed warm-up then
        // measured the interpreter (1 GFLOP/s instead of 200).
        long warm = System.nanoTime();
        double previous = 0;
        while (true) {
            long t0 = System.nanoTime();
            long calls = 0;
            do {
                op.run();
                calls++;
            } while (System.nanoTime() - t0 < 100_000_000L);
            double rate = calls / (double) (System.nanoTime() - t0);
            long elapsed = System.nanoTime() - warm;
            if (elapsed >= 5_000_000_000L || (elapsed >= 300_000_000L && rate <= previous * 1.1)) {
                break;
            }
            previous = rate;
        }
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            long calls = 0;
            long elapsed;
            do {
                op.run();
                calls++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < minMillis * 1_000_000L);
            best = Math.max(best, flops * calls / elapsed);
        }
        return best;
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    /** One line for people: {@code nn 123.4  nt 120.0  tn 118.2 GFLOP/s}. */
    public static String describe(Map<String, Object> result) {
        return String.format(Locale.ROOT, "bench matmul m=%s k=%s n=%s, %s threads: nn %s  nt %s  tn %s GFLOP/s",
                result.get("m"), result.get("k"), result.get("n"), result.get("threads"),
                result.get("gflops_nn"), result.get("gflops_nt"), result.get("gflops_tn"));
    }
}
