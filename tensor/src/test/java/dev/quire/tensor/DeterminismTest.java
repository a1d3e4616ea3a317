package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A whole training step gives bit-identical loss and gradients on 1, 2 and 3 threads, run after run. */
class DeterminismTest {

    private static List<float[]> step(int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            // Large enough that matmuls, elementwise ops and reductions all take their parallel paths.
            int b = 8;
            TinyGpt model = new TinyGpt(7, 2, 128, 4, 64, 65);
            SplittableRandom rng = new SplittableRandom(8);
            int[] ids = new int[b * model.t], targets = new int[b * model.t];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(model.vocab);
                targets[i] = rng.nextInt(model.vocab);
            }
            Tensor loss = model.loss(b, ids, targets, Tensor.Gelu.EXACT);
            loss.backward();
            List<float[]> out = new ArrayList<>();
            out.add(new float[] {loss.item()});
            for (Tensor p : model.params) out.add(p.grad().clone());
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void sameBitsOnAnyThreadCount() {
        List<float[]> one = step(1);
        for (int threads : new int[] {2, 3, 2}) {
            List<float[]> other = step(threads);
            assertThat(other).hasSameSizeAs(one);
            for (int i = 0; i < one.size(); i++) {
                assertThat(other.get(i)).as("tensor %d on %d threads", i, threads).containsExactly(one.get(i));
            }
        }
        assertThat(one.get(0)[0]).isBetween(4.0f, 4.4f); // about ln(65) for an untrained model
    }
}
