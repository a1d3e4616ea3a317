package dev.quire.tensor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Recycles the gradient arrays of intermediate results. {@link Tensor#backward()} releases each
 * intermediate's gradient once its backward closure has run (nothing else refers to it), and
 * {@link Tensor#gradForAccumulation()} takes a zeroed array of the right length from here before
 * allocating. In a training step the gradients of the last layers are released before the first
 * layers need theirs, so the backward pass allocates a few arrays instead of one per operation, and
 * steady-state steps allocate almost none: less garbage, fewer collections, a smaller heap.
 *
 * <p>Per thread (a pool is only touched by the thread that runs the backward pass, and gradients
 * requested from other threads are simply allocated), and bounded: at most {@link #MAX_FLOATS} floats
 * are kept, so an idle pool holds at most 256 MiB: enough for the working set of a backward pass of a
 * model of 10 million parameters with a batch of 4,096 positions (the {@code small} benchmark: gradients
 * of a block's activations plus every parameter's gradient, recycled by the training loop), so none of
 * them becomes garbage.
 */
final class GradPool {

    /** Most floats kept per thread (256 MiB). */
    static final long MAX_FLOATS = 64L << 20;
    /** Arrays shorter than this are cheaper to allocate than to look up. */
    private static final int MIN_LENGTH = 1024;

    private static final ThreadLocal<GradPool> POOL = ThreadLocal.withInitial(GradPool::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long floats;

    private GradPool() {}

    /** A zero-filled array of {@code length} floats: a recycled one if this thread has one, else new. */
    static float[] zeroed(int length) {
        return take(length, true);
    }

    /**
     * An array of {@code length} floats, recycled if this thread has one of that length, else new;
     * zero-filled if {@code zero}, else with undefined contents (a new array is zero anyway).
     */
    static float[] take(int length, boolean zero) {
        if (length >= MIN_LENGTH) {
            GradPool pool = POOL.get();
            ArrayDeque<float[]> q = pool.free.get(length);
            if (q != null && !q.isEmpty()) {
                float[] a = q.pop();
                pool.floats -= length;
                if (zero) {
                    fill(a);
                }
                return a;
            }
        }
        return new float[length];
    }

    /** Floats per chunk of a parallel fill: below two of these, one thread fills alone. */
    private static final int FILL_GRAIN = 1 << 16;

    /**
     * Zero-fills {@code a}, in parallel when it is large: the backward pass asks for gradients of up to
     * {@code [B, T, 4C]} (25 MB on preset small) between two parallel operations, and a serial fill of
     * each was the largest serial part of a step (1.6% of the main thread's time with 2 threads).
     */
    static void fill(float[] a) {
        Parallel.forRange(a.length, FILL_GRAIN, (i0, i1) -> Arrays.fill(a, i0, i1, 0f));
    }

    /** Offers an array no one refers to any more; kept if the pool has room. */
    static void release(float[] a) {
        int length = a.length;
        if (length < MIN_LENGTH) {
            return;
        }
        GradPool pool = POOL.get();
        if (pool.floats + length > MAX_FLOATS) {
            return;
        }
        pool.free.computeIfAbsent(length, l -> new ArrayDeque<>()).push(a);
        pool.floats += length;
    }
}
