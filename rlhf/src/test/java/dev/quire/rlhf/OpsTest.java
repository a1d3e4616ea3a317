package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quire.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OpsTest {

    @Test
    void gaeMatchesTheRecursionByHand() {
        double[] rewards = {0.1, -0.2, 1.0};
        float[] values = {0.5f, 0.25f, -0.5f};
        float[] advantages = new float[3];
        float[] returns = new float[3];
        Ppo.gae(rewards, values, 0.9, 0.8, advantages, returns);
        double d2 = 1.0 + 0.9 * 0 - (-0.5);              // 1.5
        double d1 = -0.2 + 0.9 * -0.5 - 0.25;            // -0.9
        double d0 = 0.1 + 0.9 * 0.25 - 0.5;              // -0.175
        double a2 = d2;
        double a1 = d1 + 0.72 * a2;
        double a0 = d0 + 0.72 * a1;
        assertThat(advantages).containsExactly(new float[] {(float) a0, (float) a1, (float) a2}, within(1e-6f));
        assertThat(returns[0]).isCloseTo((float) (a0 + 0.5), within(1e-6f));
        // γ = λ = 1: the advantage is the reward-to-go minus the value (Monte Carlo).
        Ppo.gae(rewards, values, 1, 1, advantages, returns);
        assertThat(advantages[0]).isCloseTo((float) (0.1 - 0.2 + 1.0 - 0.5), within(1e-6f));
        assertThat(returns[1]).isCloseTo((float) (-0.2 + 1.0), within(1e-6f));
    }

    @Test
    void clippedSurrogateHasGradientOnlyWhereTheUnclippedTermIsTheMinimum() {
        // ratios and advantages: inside the clip; above it with A > 0 (clipped); above it with A < 0 (not clipped);
        // below it with A < 0 (clipped); below it with A > 0 (not clipped).
        Tensor ratio = Tensor.parameter(new float[] {1.1f, 1.5f, 1.5f, 0.5f, 0.5f}, 5);
        float[] adv = {2f, 1f, -1f, -1f, 3f};
        Tensor loss = Ops.clippedSurrogate(ratio, adv, 0.2);
        assertThat(loss.data()).containsExactly(new float[] {-2.2f, -1.2f, 1.5f, 0.8f, -1.5f}, within(1e-6f));
        loss.sum().backward();
        assertThat(ratio.grad()).containsExactly(-2f, 0f, 1f, 0f, -3f);
        assertThat(Ops.outsideClip(1.25f, 0.2)).isTrue();
        assertThat(Ops.outsideClip(0.85f, 0.2)).isFalse();
    }

    @Test
    void logSigmoidIsStableAndItsGradientIsOneMinusSigmoid() {
        Tensor x = Tensor.parameter(new float[] {0f, 2f, -2f, 100f, -100f}, 5);
        Tensor y = Ops.logSigmoid(x);
        assertThat(y.data()[0]).isCloseTo((float) Math.log(0.5), within(1e-7f));
        assertThat(y.data()[1]).isCloseTo((float) -Math.log1p(Math.exp(-2)), within(1e-7f));
        assertThat(y.data()[3]).isCloseTo(0f, within(1e-7f));
        assertThat(y.data()[4]).isEqualTo(-100f);
        y.sum().backward();
        assertThat(x.grad()[0]).isEqualTo(0.5f);
        assertThat(x.grad()[2]).isCloseTo((float) (1 - 1 / (1 + Math.exp(2))), within(1e-7f));
        assertThat(x.grad()[4]).isEqualTo(1f);
    }
}
