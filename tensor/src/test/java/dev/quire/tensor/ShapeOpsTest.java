package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeOpsTest {

    @Test
    void reshapeSharesDataAndPassesGradients() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = a.reshape(3, -1);
        assertThat(b.shape()).containsExactly(3, 2);
        assertThat(b.data()).isSameAs(a.data());
        assertThat(a.view(6).shape()).containsExactly(6);
        GradCheck.check("reshape", new int[][] {{2, 3, 4}}, t -> t[0].reshape(4, -1).mul(t[0].reshape(4, 6)),
                d -> {
                    double[] o = new double[24];
                    for (int i = 0; i < 24; i++) o[i] = d[0][i] * d[0][i];
                    return o;
                });
        assertThatThrownBy(() -> a.reshape(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> a.reshape(-1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transposeAndPermute() {
        int[] s = {2, 3, 4, 5};
        GradCheck.check("transpose12", new int[][] {s}, t -> t[0].transpose(1, 2), d -> Ref.permute(d[0], s, new int[] {0, 2, 1, 3}));
        GradCheck.check("transposeLast", new int[][] {s}, t -> t[0].transpose(-1, -2), d -> Ref.permute(d[0], s, new int[] {0, 1, 3, 2}));
        GradCheck.check("permute", new int[][] {s}, t -> t[0].permute(3, 1, 0, 2), d -> Ref.permute(d[0], s, new int[] {3, 1, 0, 2}));
        GradCheck.check("transpose2d", new int[][] {{3, 7}}, t -> t[0].transpose(0, 1), d -> Ref.permute(d[0], new int[] {3, 7}, new int[] {1, 0}));
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        assertThat(a.shape()).containsExactly(3, 2);
        assertThat(a.data()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThatThrownBy(() -> Tensor.zeros(2, 3).permute(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sliceSplitChunk() {
        int[] s = {3, 5, 2};
        GradCheck.check("slice", new int[][] {s}, t -> t[0].slice(1, 1, 4), d -> Ref.slice(d[0], s, 1, 1, 4));
        GradCheck.check("sliceLast", new int[][] {s}, t -> t[0].slice(-1, 1, 2), d -> Ref.slice(d[0], s, 2, 1, 2));
        // split: the parts recombined with different weights, so each part's gradient is distinct.
        GradCheck.check("split", new int[][] {s}, t -> {
            Tensor[] p = t[0].split(1, 2, 3);
            return Tensor.concat(1, p[1].mul(2f), p[0].mul(-3f));
        }, d -> {
            double[] p0 = Ref.slice(d[0], s, 1, 0, 2), p1 = Ref.slice(d[0], s, 1, 2, 5);
            for (int i = 0; i < p0.length; i++) p0[i] *= -3;
            for (int i = 0; i < p1.length; i++) p1[i] *= 2;
            return Ref.concat(new double[][] {p1, p0}, new int[][] {{3, 3, 2}, {3, 2, 2}}, 1);
        });
        Tensor[] c = Tensor.zeros(7, 2).chunk(0, 3);
        assertThat(c).hasSize(3);
        assertThat(c[0].shape()).containsExactly(3, 2);
        assertThat(c[2].shape()).containsExactly(1, 2);
        assertThat(Tensor.zeros(6, 4).chunk(-1, 2)[1].shape()).containsExactly(6, 2);
        assertThatThrownBy(() -> Tensor.zeros(3, 5).split(1, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Tensor.zeros(3, 5).slice(1, 2, 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concatAndStack() {
        int[] a = {2, 3}, b = {2, 1}, c = {2, 4};
        GradCheck.check("concat1", new int[][] {a, b, c}, t -> Tensor.concat(1, t[0], t[1], t[2]),
                d -> Ref.concat(d, new int[][] {a, b, c}, 1));
        int[] x = {1, 3}, y = {2, 3};
        GradCheck.check("concat0", new int[][] {x, y}, t -> Tensor.concat(0, t[0], t[1]),
                d -> Ref.concat(d, new int[][] {x, y}, 0));
        int[] s = {2, 3};
        GradCheck.check("stack1", new int[][] {s, s, s}, t -> Tensor.stack(1, t[0], t[1], t[2]),
                d -> Ref.concat(d, new int[][] {{2, 1, 3}, {2, 1, 3}, {2, 1, 3}}, 1));
        Tensor st = Tensor.stack(0, Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {3, 4}, 2));
        assertThat(st.shape()).containsExactly(2, 2);
        assertThat(st.data()).containsExactly(1, 2, 3, 4);
        assertThat(Tensor.stack(-1, Tensor.zeros(2, 3), Tensor.zeros(2, 3)).shape()).containsExactly(2, 3, 2);
        assertThatThrownBy(() -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3], [2, 4]");
    }
}
