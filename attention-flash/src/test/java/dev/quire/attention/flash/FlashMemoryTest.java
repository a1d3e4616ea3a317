package dev.quire.attention.flash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quire.api.Attention;
import dev.quire.api.AttentionMask;
import dev.quire.api.testing.AttentionComparisons;
import dev.quire.attention.standard.StandardAttention;
import dev.quire.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Flash allocates {@code O(T·D)} per call (its output and log-sum-exp plus a few tiles per thread),
 * never {@code O(T²)}: measured with the JVM's per-thread allocation counters, on all threads.
 */
class FlashMemoryTest {

    static {
        Numerics.readStandardAttention();
    }

    private static final int T = 1024;
    private static final int H = 2;
    private static final int DIM = 64;

    @Test
    void aForwardAndBackwardAllocateLinearlyNotQuadratically() {
        AllocationMeter meter = AllocationMeter.create();
        assumeTrue(meter.available(), "com.sun.management.ThreadMXBean is not available");
        long outputBytes = 4L * H * T * DIM + 4L * H * T;   // output and log-sum-exp
        long scoreBytes = 4L * H * T * T;                    // one [T, T] float matrix per head: 8 MiB
        long allowance = 1 << 20;                            // tiles, per-chunk scratch, tensor bookkeeping

        // Standard keeps the probabilities: the meter sees them (the measurement is not vacuous).
        long[] standard = measure(new StandardAttention(), meter, 1, 0, 0);
        assertThat(standard[0]).as("standard's forward allocation").isGreaterThan(scoreBytes);

        // Until C2 has compiled the kernels, the interpreter boxes every vector on the heap: take the
        // best of several calls.
        long[] flash = measure(new FlashAttention(), meter, 40, outputBytes + allowance, allowance);
        System.out.printf("memory T=%d H=%d D=%d causal: standard forward %d + backward %d bytes; flash %d + %d%n",
                T, H, DIM, standard[0], standard[1], flash[0], flash[1]);
        assertThat(flash[0]).as("flash's forward allocation (output and lse: %d bytes)", outputBytes)
                .isLessThanOrEqualTo(outputBytes + allowance);
        assertThat(flash[1]).as("flash's backward allocation beyond the gradients").isLessThanOrEqualTo(allowance);
    }

    /** Best (forward bytes, backward bytes) over up to {@code tries} calls, stopping once both are within bounds. */
    private static long[] measure(Attention attention, AllocationMeter meter, int tries, long forwardBound, long backwardBound) {
        SplittableRandom random = new SplittableRandom(31);
        int size = H * T * DIM;
        Tensor q = Tensor.parameter(AttentionComparisons.gaussian(random, size), 1, H, T, DIM);
        Tensor k = Tensor.parameter(AttentionComparisons.gaussian(random, size), 1, H, T, DIM);
        Tensor v = Tensor.parameter(AttentionComparisons.gaussian(random, size), 1, H, T, DIM);
        Tensor gradOut = Tensor.of(AttentionComparisons.gaussian(random, size), 1, H, T, DIM);
        long bestForward = Long.MAX_VALUE;
        long bestBackward = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int i = 0; i < tries && System.nanoTime() < deadline; i++) {
            // The harness's own backward: gradients of the product's output and of sum (two [H, T, D] arrays).
            Tensor x = Tensor.parameter(new float[size], 1, H, T, DIM);
            Tensor harness = x.mul(gradOut).sum();
            long h0 = meter.bytes();
            harness.backward();
            long harnessBytes = meter.bytes() - h0;

            long b0 = meter.bytes();
            Tensor out = attention.forward(q, k, v, AttentionMask.CAUSAL).output();
            long b1 = meter.bytes();
            Tensor loss = out.mul(gradOut).sum();
            long b2 = meter.bytes();
            loss.backward();
            long b3 = meter.bytes();
            bestForward = Math.min(bestForward, b1 - b0);
            // q, k, v's gradient arrays are allocated by the first backward pass only.
            bestBackward = Math.min(bestBackward, Math.max(0, (b3 - b2) - harnessBytes));
            if (bestForward <= forwardBound && bestBackward <= backwardBound) {
                break;
            }
        }
        return new long[] {bestForward, bestBackward};
    }
}
