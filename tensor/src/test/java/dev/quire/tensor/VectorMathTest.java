package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The hand-written exp against Math, including the edges softmax and GELU rely on. */
class VectorMathTest {

    private static float expF(float x) {
        return VectorMath.exp(FloatVector.broadcast(VectorMath.F, x)).lane(0);
    }

    @Test
    void floatExpIsWithinAFewUlp() {
        for (float x = -86f; x <= 88f; x += 0.0137f) {
            float e = (float) Math.exp(x);
            assertThat(Math.abs(expF(x) - e)).as("exp(%s)", x).isLessThanOrEqualTo(3 * Math.ulp(e));
        }
        assertThat(expF(0f)).isEqualTo(1f);
        assertThat(expF(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(expF(-100f)).isZero();
        assertThat(expF(Float.NaN)).isNaN();
    }

    @Test
    void geluValueAndSlopeGiveTheBitsOfTheGeluOpAndItsBackwardPass() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (Tensor.Gelu gelu : Tensor.Gelu.values()) {
            for (int n : new int[] {1, 37, 70_001}) {   // ragged ends, and a length split over threads
                float[] x = GradCheck.random(rng, n, -6, 6);
                float[] g = GradCheck.random(rng, n, -1, 1);
                float[] gx0 = GradCheck.random(rng, n, -1, 1);
                Tensor t = Tensor.of(x.clone(), n).requiresGrad(true);
                Tensor y = t.gelu(gelu);
                t.gradForAccumulation();
                System.arraycopy(gx0, 0, t.grad(), 0, n);
                y.mul(Tensor.of(g.clone(), n)).sum().backward();   // t.grad = gx0 + g · gelu'(x)

                float[] value = new float[n], slope = new float[n], gx = gx0.clone();
                gelu.valueAndSlope(x, value, slope);
                Tensor.Gelu.applySlope(slope, g, gx);
                assertThat(value).as("%s n=%d value", gelu, n).containsExactly(y.data());
                assertThat(gx).as("%s n=%d gradient", gelu, n).containsExactly(t.grad());

                float[] inPlace = x.clone(), value2 = new float[n];
                gelu.valueAndSlope(inPlace, value2, inPlace);     // the slope may overwrite x
                assertThat(value2).containsExactly(value);
                assertThat(inPlace).containsExactly(slope);
            }
        }
    }
}
