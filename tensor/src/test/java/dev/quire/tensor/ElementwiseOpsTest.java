package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

class ElementwiseOpsTest {

    static Stream<Arguments> broadcastShapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4}),
                Arguments.of(new int[] {2, 1, 4}, new int[] {3, 1}),
                Arguments.of(new int[] {3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3, 1}, new int[] {1, 3, 5}),
                Arguments.of(new int[] {4, 5}, new int[] {}),
                Arguments.of(new int[] {1}, new int[] {3, 2}));
    }

    @ParameterizedTest
    @MethodSource("broadcastShapes")
    void addSubMulDivBroadcastAndGradients(int[] as, int[] bs) {
        String tag = java.util.Arrays.toString(as) + java.util.Arrays.toString(bs);
        int[][] shapes = {as, bs};
        GradCheck.check("add" + tag, shapes, t -> t[0].add(t[1]), d -> Ref.binary(d[0], as, d[1], bs, Double::sum));
        GradCheck.check("sub" + tag, shapes, t -> t[0].sub(t[1]), d -> Ref.binary(d[0], as, d[1], bs, (x, y) -> x - y));
        GradCheck.check("mul" + tag, shapes, t -> t[0].mul(t[1]), d -> Ref.binary(d[0], as, d[1], bs, (x, y) -> x * y));
        // Keep the divisor away from zero: [0.5, 2] with random sign.
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = GradCheck.random(rng, Ref.size(as), -2, 2);
        float[] b = GradCheck.random(rng, Ref.size(bs), 0.5, 2);
        for (int i = 0; i < b.length; i++) if (rng.nextBoolean()) b[i] = -b[i];
        GradCheck.check("div" + tag, new float[][] {a, b}, shapes, t -> t[0].div(t[1]),
                d -> Ref.binary(d[0], as, d[1], bs, (x, y) -> x / y));
    }

    @Test
    void broadcastShapeOfResult() {
        assertThat(Tensor.zeros(2, 1, 4).add(Tensor.zeros(3, 1)).shape()).containsExactly(2, 3, 4);
        assertThat(Tensor.zeros(5).mul(Tensor.scalar(2)).shape()).containsExactly(5);
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
    }

    private static void unary(String name, double lo, double hi, UnaryOperator<Tensor> op, DoubleUnaryOperator ref) {
        int[] shape = {3, 4};
        float[] v = GradCheck.random(new SplittableRandom(name.hashCode()), 12, lo, hi);
        GradCheck.check(name, new float[][] {v}, new int[][] {shape}, t -> op.apply(t[0]), d -> {
            double[] out = new double[d[0].length];
            for (int i = 0; i < out.length; i++) out[i] = ref.applyAsDouble(d[0][i]);
            return out;
        });
    }

    @Test
    void unaryOpsAndGradients() {
        unary("exp", -2, 2, Tensor::exp, Math::exp);
        unary("log", 0.2, 3, Tensor::log, Math::log);
        unary("sqrt", 0.2, 3, Tensor::sqrt, Math::sqrt);
        unary("tanh", -3, 3, Tensor::tanh, Math::tanh);
        unary("square", -2, 2, Tensor::square, x -> x * x);
        unary("pow", 0.2, 3, t -> t.pow(1.7f), x -> Math.pow(x, 1.7));
        unary("neg", -2, 2, Tensor::neg, x -> -x);
        unary("addScalar", -2, 2, t -> t.add(0.75f), x -> x + 0.75);
        unary("mulScalar", -2, 2, t -> t.mul(-1.5f), x -> x * -1.5);
        unary("relu", -2, 2, Tensor::relu, x -> Math.max(0, x));
        unary("geluExact", -4, 4, Tensor::gelu, x -> Ref.gelu(x, true));
        unary("geluTanh", -4, 4, t -> t.gelu(Tensor.Gelu.TANH), x -> Ref.gelu(x, false));
    }

    @Test
    void geluMatchesReferenceOverAWideRange() {
        float[] x = new float[2001];
        for (int i = 0; i < x.length; i++) x[i] = -10f + i * 0.01f;
        float[] y = Tensor.of(x, x.length).gelu().data();
        for (int i = 0; i < x.length; i++) {
            double e = Ref.gelu(x[i], true);
            assertThat(Math.abs(y[i] - e)).as("gelu(%s)", x[i]).isLessThanOrEqualTo(1e-6 * Math.abs(e) + 1e-30);
        }
    }

    @Test
    void largeTensorsTakeTheParallelPathWithTheSameResults() {
        float[] a = GradCheck.random(new SplittableRandom(1), 300_000, -1, 1);
        float[] b = GradCheck.random(new SplittableRandom(2), 300, -1, 1);
        Tensor x = Tensor.of(a, 1000, 300), y = Tensor.of(b, 300);
        float[] sum = x.add(y).data();
        for (int i = 0; i < a.length; i++) assertThat(sum[i]).isEqualTo(a[i] + b[i % 300]);
        float[] e = x.exp().data();
        for (int i = 0; i < a.length; i += 997) assertThat(e[i]).isEqualTo((float) Math.exp(a[i]));
    }
}
