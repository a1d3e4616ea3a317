package dev.quire.model;

import java.util.random.RandomGenerator;

/**
 * A random generator whose whole state can be saved and restored, so that a checkpointed run draws
 * exactly the same batches and dropout masks after resuming: xoshiro256** (Blackman and Vigna),
 * seeded through SplitMix64. Fast, with a period of 2^256 − 1; not for cryptography.
 *
 * <p>Every other method of {@link RandomGenerator} ({@code nextInt(bound)}, {@code nextGaussian()},
 * ...) is derived from {@link #nextLong()} by the JDK's default implementations, so the state
 * below is everything there is. Not thread-safe.
 */
public final class Rng implements RandomGenerator {

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** A generator seeded from {@code seed}; equal seeds give equal sequences. */
    public Rng(long seed) {
        // SplitMix64 spreads any seed (0 included) over the 256 bits of state.
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    }

    /** A generator continuing from a saved {@link #state()}. */
    public static Rng restored(long[] state) {
        Rng rng = new Rng(0);
        rng.restore(state);
        return rng;
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** The four words of state; {@link #restore} of them continues the sequence exactly. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    /**
     * Continues from a saved state.
     *
     * @throws IllegalArgumentException unless {@code state} has 4 words, not all zero
     */
    public void restore(long[] state) {
        if (state == null || state.length != 4) {
            throw new IllegalArgumentException("Rng state must have 4 words, got "
                    + (state == null ? "null" : state.length));
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("Rng state must not be all zero (xoshiro would only produce zeros)");
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }
}
