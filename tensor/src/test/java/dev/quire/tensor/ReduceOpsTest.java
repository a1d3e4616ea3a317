package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {

    @Test
    void sumAndMeanOfAll() {
        int[] s = {3, 4};
        GradCheck.check("sumAll", new int[][] {s}, t -> t[0].sum(), d -> new double[] {java.util.Arrays.stream(d[0]).sum()});
        GradCheck.check("meanAll", new int[][] {s}, t -> t[0].mean(), d -> new double[] {java.util.Arrays.stream(d[0]).sum() / 12});
        assertThat(Tensor.ones(2, 3).sum().shape()).isEmpty();
        assertThat(Tensor.ones(2, 3).mean().item()).isEqualTo(1f);
    }

    @Test
    void sumMeanMaxAlongAxes() {
        int[] s = {2, 3, 4};
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            GradCheck.check("sum" + axis, new int[][] {s}, t -> t[0].sum(ax, true), d -> Ref.reduce(d[0], s, ax, 0));
            GradCheck.check("mean" + axis, new int[][] {s}, t -> t[0].mean(ax, false), d -> Ref.reduce(d[0], s, ax, 1));
            GradCheck.check("max" + axis, new int[][] {s}, t -> t[0].max(ax, false), d -> Ref.reduce(d[0], s, ax, 2));
        }
        assertThat(Tensor.zeros(2, 3, 4).sum(1, false).shape()).containsExactly(2, 4);
        assertThat(Tensor.zeros(2, 3, 4).mean(-1, true).shape()).containsExactly(2, 3, 1);
    }

    @Test
    void maxGradientGoesToTheFirstArgMax() {
        Tensor a = Tensor.parameter(new float[] {1, 5, 5, 2}, 1, 4);
        a.max(1, false).sum().backward();
        assertThat(a.grad()).containsExactly(0, 1, 0, 0);
    }

    @Test
    void largeSumIsIndependentOfTheThreadCount() {
        float[] v = GradCheck.random(new SplittableRandom(5), 1_000_003, -1, 1);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float one = Tensor.of(v, v.length).sum().item();
            Parallel.setThreads(3);
            float three = Tensor.of(v, v.length).sum().item();
            assertThat(three).isEqualTo(one);
            double exact = 0;
            for (float x : v) exact += x;
            assertThat((double) one).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3));
        } finally {
            Parallel.setThreads(before);
        }
    }
}
