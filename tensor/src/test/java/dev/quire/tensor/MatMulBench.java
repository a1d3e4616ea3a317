package dev.quire.tensor;

import java.util.SplittableRandom;

/**
 * Not a test: a timing main for the kernels. Run from /work/main after {@code ./mvnw -q -pl tensor install}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *     dev.quire.tensor.MatMulBench [threads]
 * </pre>
 * Reports GFLOP/s = 2·m·n·k / time, best of 30 runs of at least 30 ms after warm-up.
 * Optional arguments after the thread count: shapes as {@code m,k,n}; {@code -Dforms=nn,tn} picks forms.
 */
public final class MatMulBench {

    private MatMulBench() {}

    public static void main(String[] args) {
        if (args.length > 0) Parallel.setThreads(Integer.parseInt(args[0]));
        System.out.println("threads " + Parallel.threads() + ", vector " + MatMul.S);
        int[][] all = {
                {4096, 384, 1152}, {1024, 1024, 1024}, {768, 128, 384}, {768, 128, 512}, {768, 512, 128},
                {64, 32, 64}, {64, 64, 32}};
        String only = System.getProperty("forms", "nn,nt,tn");
        int[][] shapes = all;
        if (args.length > 1) { // explicit shapes: m,k,n ...
            shapes = new int[args.length - 1][];
            for (int i = 1; i < args.length; i++) {
                shapes[i - 1] = java.util.Arrays.stream(args[i].split(",")).mapToInt(Integer::parseInt).toArray();
            }
        }
        for (int[] s : shapes) {
            for (String form : only.split(",")) {
                bench(form, s[0], s[1], s[2]);
            }
        }
    }

    private static void bench(String form, int m, int k, int n) {
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = GradCheck.random(rng, m * k, -1, 1), b = GradCheck.random(rng, k * n, -1, 1);
        float[] c = new float[m * n];
        Runnable r = switch (form) {
            case "nn" -> () -> MatMul.nn(a, 0, b, 0, c, 0, m, k, n, false);
            case "nt" -> () -> MatMul.nt(a, 0, b, 0, c, 0, m, k, n, false);
            default -> () -> MatMul.tn(a, 0, b, 0, c, 0, m, k, n, false);
        };
        double flops = 2.0 * m * n * k;
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 500_000_000L) r.run();
        // Best of many short runs: on a machine shared with other work, the best run is the one that
        // had the cores to itself.
        double best = 0;
        for (int rep = 0; rep < 30; rep++) {
            long t0 = System.nanoTime();
            int iters = 0;
            long t;
            do {
                r.run();
                iters++;
                t = System.nanoTime() - t0;
            } while (t < 30_000_000L);
            best = Math.max(best, flops * iters / t);
        }
        System.out.printf("%s %5d x %5d x %5d : %7.1f GFLOP/s%n", form, m, k, n, best);
    }
}
