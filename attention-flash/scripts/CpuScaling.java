/**
 * A control for the thread-scaling figures of BENCHMARKS.md: the same scalar loop on 1 and on 2 threads
 * (each thread doing the full amount), no shared data, no allocation. On 2 free cores the 2-thread run
 * takes as long as the 1-thread run (throughput ×2); on a machine whose cores other work is using, it
 * takes longer, and no parallel code can scale better than this.
 * Run: java attention-flash/scripts/CpuScaling.java
 */
public class CpuScaling {

    static double work(long n) {
        double x = 0;
        for (long i = 0; i < n; i++) {
            x += Math.sqrt(i ^ (i >>> 3));
        }
        return x;
    }

    static double run(int threads, long n) throws InterruptedException {
        double[] sink = new double[threads];
        Thread[] workers = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            workers[i] = new Thread(() -> sink[id] = work(n));
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    public static void main(String[] args) throws InterruptedException {
        long n = 200_000_000L;
        work(2_000_000);
        double one = Double.MAX_VALUE;
        double two = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            one = Math.min(one, run(1, n));
            two = Math.min(two, run(2, n));
        }
        System.out.printf(java.util.Locale.ROOT, "{\"control\":\"cpu_scaling\",\"one_thread_ms\":%.1f,\"two_threads_ms\":%.1f,"
                + "\"throughput_speedup\":%.2f}%n", one, two, 2 * one / two);
    }
}
