package dev.quire.tensor;

/**
 * Per-thread switch for gradient recording.
 *
 * <pre>{@code
 * try (var s = Grad.disabled()) {
 *     Tensor logits = model.forward(x); // no history recorded: cheaper, nothing retained
 * }
 * }</pre>
 *
 * <p>The state is per thread, so an evaluation on one thread never disables training on another.
 * Scopes nest: closing a scope restores whatever state was in force when it was opened.
 */
public final class Grad {

    /** true = record history (the default). A plain boolean per thread; no allocation per op. */
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Grad() {}

    /** Whether operations on this thread record history for {@link Tensor#backward()}. */
    public static boolean enabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off on this thread until the returned scope is closed. */
    public static Scope disabled() {
        boolean[] state = ENABLED.get();
        Scope scope = new Scope(state, state[0]);
        state[0] = false;
        return scope;
    }

    /** Restores the previous recording state when closed; closing twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] state;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] state, boolean previous) {
            this.state = state;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                state[0] = previous;
            }
        }
    }
}
