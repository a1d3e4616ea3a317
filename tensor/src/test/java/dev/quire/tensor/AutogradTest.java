package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void gradientsAccumulateAcrossTwoBackwardCalls() {
        Tensor w = Tensor.parameter(new float[] {1, 2, 3}, 3);
        w.mul(w).sum().backward();           // d/dw Σ w² = 2w
        assertThat(w.grad()).containsExactly(2, 4, 6);
        w.mul(3f).sum().backward();          // += 3
        assertThat(w.grad()).containsExactly(5, 7, 9);
        w.zeroGrad();
        assertThat(w.grad()).isNull();       // as PyTorch's zero_grad(set_to_none=True)
    }

    @Test
    void backwardTwiceOnTheSameGraphAddsTheSameGradientTwice() {
        Tensor w = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor loss = w.exp().mul(w).sum();
        loss.backward();
        float[] once = w.grad().clone();
        loss.backward();
        for (int i = 0; i < 2; i++) assertThat(w.grad()[i]).isEqualTo(2 * once[i]);
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Tensor x = Tensor.parameter(new float[] {0.5f, -1f}, 2);
        Tensor y = x.tanh();
        y.mul(y).add(y).sum().backward();    // d/dx (t² + t) = (2t + 1)(1 - t²)
        for (int i = 0; i < 2; i++) {
            double t = Math.tanh(x.data()[i]);
            assertThat((double) x.grad()[i]).isCloseTo((2 * t + 1) * (1 - t * t), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    @SuppressWarnings("try") // the scope variable is the point, not used in the body
    void gradDisabledRecordsNothingOnThisThreadOnly() throws Exception {
        Tensor w = Tensor.parameter(new float[] {1, 2}, 2);
        assertThat(Grad.enabled()).isTrue();
        try (var s = Grad.disabled()) {
            assertThat(Grad.enabled()).isFalse();
            Tensor y = w.mul(2f);
            assertThat(y.requiresGrad()).isFalse();
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = Grad.enabled() && w.mul(2f).requiresGrad());
            t.start();
            t.join();
            assertThat(other[0]).isTrue();
            try (var inner = Grad.disabled()) {
                assertThat(Grad.enabled()).isFalse();
            }
            assertThat(Grad.enabled()).isFalse();
        }
        assertThat(Grad.enabled()).isTrue();
        assertThat(w.mul(2f).requiresGrad()).isTrue();
    }

    @Test
    void leavesDetachAndErrors() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThat(a.requiresGrad()).isFalse();
        assertThat(a.requiresGrad(true)).isSameAs(a);
        Tensor b = a.mul(2f);
        assertThat(b.requiresGrad()).isTrue();
        assertThatThrownBy(() -> b.requiresGrad(false)).isInstanceOf(IllegalStateException.class);
        Tensor d = b.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.data()).isSameAs(b.data());
        assertThatThrownBy(b::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> Tensor.of(new float[3], 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 2]");
        assertThat(a.grad()).isNull();
        assertThat(Tensor.zeros(2, 3).dim(-1)).isEqualTo(3);
        assertThat(a.get(1, 0)).isEqualTo(3f);
        assertThat(a.get(-1, -1)).isEqualTo(4f);
        assertThat(a.toString()).contains("[2, 2]").contains("1.0");
        assertThat(Tensor.scalar(3f).rank()).isZero();
        assertThat(Tensor.full(2f, 2, 2).sum().item()).isEqualTo(8f);
        Tensor r = Tensor.randn(new SplittableRandom(1), 2f, 10_000);
        double var = 0;
        for (float v : r.data()) var += v * v;
        assertThat(var / 10_000).isBetween(3.7, 4.3);
    }

    @Test
    @SuppressWarnings("try")
    void customOpsThroughFromOp() {
        Tensor x = Tensor.parameter(new float[] {1, 2, 3}, 3);
        // y = 2x as a custom op with a hand-written backward.
        float[] y = {2, 4, 6};
        Tensor out = Tensor.fromOp(y, new int[] {3}, new Tensor[] {x}, g -> {
            float[] gx = x.gradForAccumulation();
            for (int i = 0; i < 3; i++) gx[i] += 2 * g[i];
        });
        assertThat(out.requiresGrad()).isTrue();
        out.square().sum().backward(); // d/dx (2x)² = 8x
        assertThat(x.grad()).containsExactly(8, 16, 24);
        try (var s = Grad.disabled()) {
            assertThat(Tensor.fromOp(y, new int[] {3}, new Tensor[] {x}, g -> {}).requiresGrad()).isFalse();
        }
        assertThat(Tensor.fromOp(y, new int[] {3}, new Tensor[] {Tensor.zeros(3)}, g -> {}).requiresGrad()).isFalse();
    }

    @Test
    void aDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.parameter(new float[] {1f}, 1);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.add(0f);
        y.sum().backward();
        assertThat(x.grad()).containsExactly(1f);
    }
}
