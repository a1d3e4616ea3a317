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
}
