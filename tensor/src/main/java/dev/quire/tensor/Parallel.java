package dev.quire.tensor;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fork-join executor for data-parallel loops: {@code threads() - 1} daemon helper threads
 * plus the calling thread.
 *
 * <p>{@link #forRange(int, IntRangeBody)} cuts {@code [0, n)} into contiguous chunks, a few per thread;
 * the caller runs the first, and the caller and the helpers claim the rest one at a time until none is
 * left, so a thread that the operating system descheduled (the machine may be busy with other work)
 * holds up at most one chunk. Callers keep results deterministic by having every chunk write a disjoint
 * part of the output and by never letting a result depend on which thread ran a chunk; the chunk
 * boundaries depend only on {@code n}, the grain and {@link #threads()}, never on timing.
 *
 * <p>A {@code forRange} issued from inside another one (from a helper or from the caller while it runs
 * its own chunk) runs inline: the outer loop already occupies every thread, and running inline can
 * never deadlock.
 */
public final class Parallel {

    /** The body of a parallel loop: handle indices {@code [from, to)}. */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static volatile Pool pool = new Pool(Runtime.getRuntime().availableProcessors());

    /** Chunks per thread: enough for load balancing on a shared machine, few enough to stay cheap. */
    private static final int CHUNKS_PER_THREAD = 4;

    /** How long an idle helper spins for new work before it parks (waking a parked thread is slow). */
    private static final long SPIN_NANOS = 20_000;

    /** Nesting depth of forRange on this thread; > 0 means "already inside a parallel loop". */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Parallel() {}

    /** Number of threads a parallel loop uses, the caller included (at least 1). */
    public static int threads() {
        return pool.threads;
    }

    /** Sets the number of threads (the caller included); {@code 1} runs everything on the caller. */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Parallel.setThreads: need at least 1 thread, got " + n);
        }
        if (n == pool.threads) {
            return;
        }
        Pool old = pool;
        pool = new Pool(n);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous chunks (at most a few per thread).
     * Each index is treated as a substantial piece of work: use {@link #forRange(int, int, IntRangeBody)}
     * with a grain when items are cheap. Runs inline when {@code n <= 1}, with one thread, or nested.
     */
    public static void forRange(int n, IntRangeBody body) {
        forRange(n, 1, body);
    }

    /**
     * Like {@link #forRange(int, IntRangeBody)}, but every chunk gets at least {@code grain} indices,
     * so loops over cheap items ({@code n < 2 * grain}) run inline without any hand-off cost.
     */
    public static void forRange(int n, int grain, IntRangeBody body) {
        if (n > 0) {
            Pool p = pool;
            run(p, n, p.threads == 1 ? 1 : Math.min(p.threads * CHUNKS_PER_THREAD, n / Math.max(1, grain)), body);
        }
    }

    /**
     * Like {@link #forRange(int, IntRangeBody)}, but every index is its own chunk, claimed one at a time:
     * for a few dozen items of uneven or large cost (the row blocks of a matrix multiply), where a few
     * chunks per thread would leave one thread finishing a whole chunk alone at the end.
     */
    public static void forEachIndex(int n, IntRangeBody body) {
        if (n > 0) {
            Pool p = pool;
            run(p, n, p.threads == 1 ? 1 : n, body);
        }
    }

    /** Runs {@code body} over {@code [0, n)} in {@code chunks} chunks: inline when one chunk, or nested. */
    private static void run(Pool p, int n, int chunks, IntRangeBody body) {
        int[] depth = DEPTH.get();
        if (chunks <= 1 || depth[0] > 0) {
            body.run(0, n);
            return;
        }
        depth[0]++;
        try {
            p.run(n, chunks, body);
        } finally {
            depth[0]--;
        }
    }

    /** Start of chunk {@code c} of {@code chunks} over {@code [0, n)}: sizes differ by at most one. */
    static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /** The helper threads and the hand-off of one loop at a time per submitted job. */
    private static final class Pool {
        final int threads;
        private final Thread[] helpers;
        private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(1024);
        private volatile boolean stopped;

        Pool(int threads) {
            this.threads = threads;
            this.helpers = new Thread[threads - 1];
            for (int i = 0; i < helpers.length; i++) {
                Thread t = new Thread(this::work, "quire-parallel-" + (i + 1));
                t.setDaemon(true);
                helpers[i] = t;
                t.start();
            }
        }

        void run(int n, int chunks, IntRangeBody body) {
            Job job = new Job(n, chunks, body, Thread.currentThread());
            // One queue entry per helper that can be useful; each helper then claims chunks until none is
            // left. A full queue (many concurrent callers) is harmless: helpAndAwait claims what is left.
            for (int h = Math.min(helpers.length, chunks - 1); h > 0; h--) {
                queue.offer(job);
            }
            job.runChunk(0);
            // Also help with chunks no helper has picked up yet, then wait for the rest.
            job.helpAndAwait();
            if (job.failure != null) {
                if (job.failure instanceof RuntimeException re) {
                    throw re;
                }
                if (job.failure instanceof Error e) {
                    throw e;
                }
                throw new RuntimeException(job.failure);
            }
        }

        private void work() {
            DEPTH.get()[0] = 1; // helpers always run nested loops inline
            while (!stopped) {
                Job job = queue.poll();
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (job == null && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    job = queue.poll();
                }
                try {
                    if (job == null) {
                        job = queue.take();
                    }
                } catch (InterruptedException e) {
                    if (stopped) {
                        return;
                    }
                    continue;
                }
                job.claimAndRun();
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread t : helpers) {
                t.interrupt();
            }
        }
    }

    /**
     * One parallel loop. Chunks 1..chunks-1 are claimed through {@code next}, so each runs exactly once,
     * by whichever thread gets it first; chunk 0 always runs on the caller.
     */
    private static final class Job {
        final int n;
        final int chunks;
        final IntRangeBody body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger(1);
        final AtomicInteger remaining;
        volatile Throwable failure;

        Job(int n, int chunks, IntRangeBody body, Thread caller) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.caller = caller;
            this.remaining = new AtomicInteger(chunks);
        }

        /** Runs unclaimed chunks until none is left (called once per queue entry by a helper). */
        void claimAndRun() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                runChunk(c);
            }
        }

        void runChunk(int c) {
            try {
                body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        void helpAndAwait() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                runChunk(c);
            }
            int spins = 0;
            while (remaining.get() > 0) {
                if (spins < 2000) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
