package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatMulOpsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {4, 5}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, 5}),          // shared right operand
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 4, 5}),       // batched
                Arguments.of(new int[] {2, 1, 3, 4}, new int[] {3, 4, 2}),    // broadcast batch dims
                Arguments.of(new int[] {3, 4}, new int[] {2, 4, 5}),          // left operand shared
                Arguments.of(new int[] {7, 9}, new int[] {9, 13}));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matmulValuesAndGradients(int[] as, int[] bs) {
        GradCheck.check("matmul" + Arrays.toString(as) + Arrays.toString(bs), new int[][] {as, bs},
                t -> t[0].matmul(t[1]), d -> Ref.matmul(d[0], as, d[1], bs, false));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matmulTransposedValuesAndGradients(int[] as, int[] bsPlain) {
        int[] bs = bsPlain.clone(); // [..., K, N] -> [..., N, K]
        int r = bs.length;
        bs[r - 2] = bsPlain[r - 1];
        bs[r - 1] = bsPlain[r - 2];
        GradCheck.check("matmulT" + Arrays.toString(as) + Arrays.toString(bs), new int[][] {as, bs},
                t -> t[0].matmulTransposed(t[1]), d -> Ref.matmul(d[0], as, d[1], bs, true));
    }

    @Test
    void linearWithAndWithoutBias() {
        GradCheck.check("linear", new int[][] {{2, 3, 5}, {4, 5}, {4}},
                t -> t[0].linear(t[1], t[2]), d -> Ref.linear(d[0], 5, d[1], 4, d[2]));
        GradCheck.check("linearNoBias", new int[][] {{6, 5}, {3, 5}},
                t -> t[0].linear(t[1], null), d -> Ref.linear(d[0], 5, d[1], 3, null));
    }

    @Test
    void shapeErrorsNameTheShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3] @ [4, 5]: inner dimensions 3 and 4 differ");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).linear(Tensor.zeros(4, 5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
    }
}
