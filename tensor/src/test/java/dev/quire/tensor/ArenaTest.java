package dev.quire.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The arena's reuse rules, early release, scratch arrays and recycled gradients. */
class ArenaTest {

    private static final int N = 4096; // above Arena.MIN_LENGTH

    private static Tensor filled(float value) {
        float[] d = new float[N];
        Arrays.fill(d, value);
        return Tensor.of(d, N);
    }

    @Test
    void aRecyclingScopeHandsOutTheArraysOfTheScopeBefore() {
        Arena arena = new Arena();
        float[] first;
        try (var s = arena.open(true)) {
            first = filled(1f).add(filled(2f)).data();
        }
        try (var s = arena.open(true)) {
            Tensor again = filled(3f).add(filled(4f));
            assertSame(first, again.data(), "the second step reuses the first step's result array");
            assertEquals(7f, again.data()[N - 1]);
        }
        try (var s = arena.open(false)) {
            float[] kept = filled(1f).add(filled(1f)).data();
            try (var inner = arena.open(false)) {
                assertNotSame(kept, filled(1f).add(filled(1f)).data(), "a non-recycling scope leaves arrays alone");
            }
        }
    }

    @Test
    void releaseEarlyLetsTheNextResultOfTheSameLengthReuseTheArray() {
        Arena arena = new Arena();
        try (var s = arena.open(true)) {
            Tensor dead = filled(1f).add(filled(1f));
            Tensor kept = filled(1f).mul(filled(5f));
            assertTrue(Arena.releaseEarly(dead.data()));
            assertFalse(Arena.releaseEarly(dead.data()), "an array is taken back once");
            Tensor next = filled(2f).add(filled(2f));
            assertSame(dead.data(), next.data(), "the released array serves the next result");
            assertNotSame(kept.data(), next.data());
            assertEquals(5f, kept.data()[0], "arrays not released are untouched");
            assertFalse(Arena.releaseEarly(new float[N]), "arrays the arena did not hand out are ignored");
        }
        assertFalse(Arena.releaseEarly(new float[N]), "outside a scope nothing is released");
    }

    @Test
    void scratchArraysComeBackFromThePool() {
        float[] a = Arena.scratch(N + 17, false);
        a[3] = 42f;
        Arena.releaseScratch(a);
        float[] b = Arena.scratch(N + 17, false);
        assertSame(a, b, "the released scratch array is handed out again");
        Arena.releaseScratch(b);
        float[] c = Arena.scratch(N + 17, true);
        assertSame(a, c);
        assertEquals(0f, c[3], "a zeroed scratch array is zero");
        Arena.releaseScratch(c);
    }

    @Test
    void recycledGradientsAreReusedZeroedAndDetachedFromTheirTensor() {
        Tensor w = Tensor.parameter(new float[N + 33], N + 33);
        w.sum().backward();                     // dw = 1 everywhere; no intermediate of w's length
        float[] first = w.grad();
        assertEquals(1f, first[0]);
        Arena.recycleGradient(w);
        assertNull(w.grad(), "the gradient is dropped, as zeroGrad() does");
        w.sum().backward();
        assertSame(first, w.grad(), "the next backward pass reuses the array");
        float[] ones = new float[N + 33];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, w.grad(), "and starts from zero: 1, not 1 added to the old 1");
        Arena.recycleGradient(w);
        Arena.recycleGradient(w); // no gradient: nothing to do
        assertNull(w.grad());
    }
}
