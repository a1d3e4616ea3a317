package dev.quire.attention.flash;

/**
 * Module plumbing of the flash tests. Comparisons, random inputs and the float64 attention are shared with
 * every attention module in {@code dev.quire.api.testing} (quire-api's test jar).
 */
final class Numerics {

    private Numerics() {
    }

    /**
     * Lets this (test-patched) module read {@code dev.quire.attention.standard}, which the tests compare
     * against: surefire puts the test-scoped module on the module path, where nothing requires it. Call
     * from a static initializer, before any code touches the standard classes; looked up by name, since a
     * class literal would already need the read edge.
     */
    static void readStandardAttention() {
        Module self = Numerics.class.getModule();
        try {
            Module standard = Class.forName("dev.quire.attention.standard.StandardAttention").getModule();
            if (self.isNamed() && !self.canRead(standard)) {
                self.addReads(standard);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("quire-attention-standard is not on the test path", e);
        }
    }
}
