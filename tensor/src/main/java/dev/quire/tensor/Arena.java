package dev.quire.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reuses the data arrays of operation results from one step to the next, so a training loop's
 * activations stop being garbage: a step allocates (almost) nothing once the arena has seen one step,
 * and the heap stays near the size of one step's activations instead of growing with the garbage
 * collector's appetite.
 *
 * <p>While a {@link Scope} from {@link #open(boolean)} is active on a thread, the results of tensor
 * operations computed on that thread take their data arrays from this arena (arrays shorter than
 * {@value #MIN_LENGTH} floats, and results of {@link Tensor#of}, {@link Tensor#zeros} and the like, are
 * allocated as usual). Opening the next scope with {@code recycle} makes every array handed out before
 * available again: <b>every tensor computed inside earlier scopes must then be dead</b>, its backward
 * pass done and its values no longer read. That is the owner's promise (a model that computes its loss
 * inside a scope and hands out only the scalar, computed outside). Opening with {@code recycle} false
 * forgets the arrays handed out so far (they stay valid, and are left to the garbage collector).
 *
 * <p>Not thread-safe: one owner, one thread at a time. Parallel helper threads never see a scope.
 */
public final class Arena {

    /** Arrays shorter than this are allocated as usual (cheap, and often kept by the caller). */
    public static final int MIN_LENGTH = 1024;

    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<long[]> BACKWARD_PASSES = ThreadLocal.withInitial(() -> new long[1]);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final List<float[]> handedOut = new ArrayList<>();

    /** An empty arena. */
    public Arena() {
    }

    /**
     * Makes this arena the current one on this thread until the scope is closed.
     *
     * @param recycle whether every array handed out before may be reused (all tensors computed inside
     *                earlier scopes are dead); if false they are forgotten instead (left valid)
     */
    public Scope open(boolean recycle) {
        if (recycle) {
            for (float[] a : handedOut) {
                free.computeIfAbsent(a.length, l -> new ArrayDeque<>()).push(a);
            }
        }
        handedOut.clear();
        Arena previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(previous);
    }

    /** Forgets every array (handed out or free); the arena starts over empty. */
    public void clear() {
        free.clear();
        handedOut.clear();
    }

    /**
     * Hands an array of the current scope back before the scope ends, so a later result of the same
     * length in this scope (typically the same activation of the next layer) reuses it: for activations
     * that nothing reads any more once the next operation has consumed them, such as the output of a
     * linear layer whose only consumer is a copy or an addition (their backward passes read the incoming
     * gradient, never their inputs' values). <b>The caller promises that no tensor or backward closure
     * reads {@code array} afterwards</b>; its tensor must stay private to the caller.
     *
     * @return whether {@code array} came from the current scope and was taken back (false outside a scope,
     *         or for arrays the arena did not hand out, which are left alone)
     */
    public static boolean releaseEarly(float[] array) {
        Arena arena = CURRENT.get();
        if (arena == null || array == null || array.length < MIN_LENGTH) {
            return false;
        }
        List<float[]> out = arena.handedOut;
        // Newest first: the array to release was usually handed out a few operations ago.
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i) == array) {
                out.remove(i);
                arena.free.computeIfAbsent(array.length, l -> new ArrayDeque<>()).push(array);
                return true;
            }
        }
        return false;
    }

    /**
     * A temporary array of {@code length} floats for work inside one operation (a backward pass's
     * intermediate that is not a gradient of any tensor), taken from this thread's pool of recycled
     * gradient arrays when it has one of that length; give it back with {@link #releaseScratch} once the
     * operation is done. Contents undefined unless {@code zeroed}. Works with or without a scope.
     */
    public static float[] scratch(int length, boolean zeroed) {
        return GradPool.take(length, zeroed);
    }

    /**
     * Gives back an array from {@link #scratch} (or any array that nothing refers to any more) to this
     * thread's pool. <b>The caller must not use it afterwards.</b>
     */
    public static void releaseScratch(float[] array) {
        if (array != null) {
            GradPool.release(array);
        }
    }

    /**
     * Drops a tensor's gradient as {@link Tensor#zeroGrad()} does and lets the next backward pass on this
     * thread reuse the array for a gradient of the same length, so a training loop does not allocate its
     * parameters' gradients anew every step. <b>The caller promises that nothing keeps the old gradient
     * array</b> (an optimizer reads it only during its step).
     */
    public static void recycleGradient(Tensor tensor) {
        float[] g = tensor.grad();
        tensor.zeroGrad();
        if (g != null) {
            GradPool.release(g);
        }
    }

    /**
     * How many backward passes ({@link Tensor#backward()}) this thread has completed: an owner can tell
     * whether the graph of its previous scope has been differentiated since.
     */
    public static long backwardPasses() {
        return BACKWARD_PASSES.get()[0];
    }

    static void backwardDone() {
        BACKWARD_PASSES.get()[0]++;
    }

    /** The active arena's scope; closing it restores the arena that was current before. */
    public final class Scope implements AutoCloseable {
        private final Arena previous;
        private boolean closed;

        private Scope(Arena previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (previous == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(previous);
                }
            }
        }
    }

    private float[] take(int length) {
        ArrayDeque<float[]> q = free.get(length);
        float[] a = q == null || q.isEmpty() ? new float[length] : q.pop();
        handedOut.add(a);
        return a;
    }

    /**
     * The data array for the result of a custom operation ({@link Tensor#fromOp}): from the current
     * arena when one is active on this thread, else new. Its contents are undefined (left over from an
     * earlier step): the operation must write every element.
     */
    public static float[] resultArray(int length) {
        return uninitialized(length);
    }

    /** A result array of {@code length} floats that the operation overwrites entirely (contents undefined). */
    static float[] uninitialized(int length) {
        Arena arena = length >= MIN_LENGTH ? CURRENT.get() : null;
        return arena == null ? new float[length] : arena.take(length);
    }

    /** A zero-filled result array of {@code length} floats. */
    static float[] zeroed(int length) {
        Arena arena = length >= MIN_LENGTH ? CURRENT.get() : null;
        if (arena == null) {
            return new float[length];
        }
        float[] a = arena.take(length);
        GradPool.fill(a);
        return a;
    }
}
