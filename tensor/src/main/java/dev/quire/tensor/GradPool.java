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
 * are kept, so an idle pool holds at most 128 MiB.
 */
final class GradPool {

    /** Most floats kept per thread (128 MiB). */
    static final long MAX_FLOATS = 32L << 20;
    /** Arrays shorter than this are cheaper to allocate than to look up. */
    private static final int MIN_LENGTH = 1024;

    private static final ThreadLocal<GradPool> POOL = ThreadLocal.withInitial(GradPool::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long floats;

    private GradPool() {}

    /** A zero-filled array of {@code length} floats: a recycled one if this thread has one, else new. */
    static float[] zeroed(int length) {
        if (length >= MIN_LENGTH) {
            GradPool pool = POOL.get();
            ArrayDeque<float[]> q = pool.free.get(length);
            if (q != null && !q.isEmpty()) {
                float[] a = q.pop();
                pool.floats -= length;
                Arrays.fill(a, 0f);
                return a;
            }
        }
        return new float[length];
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
