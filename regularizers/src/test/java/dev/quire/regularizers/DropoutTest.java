package dev.quire.regularizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ActivationSite;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropoutTest {

    private static final int N = 1_000_000;

    /** Kept fraction within 4σ of 1 − p over 10^6 elements, and the mean (expected value) preserved. */
    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.2, 0.5})
    void keepsOneMinusPAndPreservesTheMean(double p) {
        var dropout = new Dropout(new DropoutOptions(p, p));
        float[] ones = new float[N];
        java.util.Arrays.fill(ones, 1f);
        Tensor x = Tensor.of(ones, N);
        Tensor y = dropout.activation(ActivationSite.MLP_RESIDUAL, x, new TrainingContext(true, 0, new SplittableRandom(7)));

        long kept = 0;
        double sum = 0;
        float scale = (float) (1 / (1 - p));
        for (float v : y.data()) {
            if (v != 0f) {
                kept++;
                assertThat(v).isEqualTo(scale);
            }
            sum += v;
        }
        double sigmaKept = Math.sqrt(N * p * (1 - p));
        assertThat(Math.abs(kept - N * (1 - p))).as("kept %d of %d at p=%s", kept, N, p).isLessThanOrEqualTo(4 * sigmaKept);
        // Each output is scale with probability 1 − p, else 0: mean 1, variance p / (1 − p).
        double sigmaMean = Math.sqrt(p / (1 - p) / N);
        assertThat(Math.abs(sum / N - 1)).as("mean at p=%s", p).isLessThanOrEqualTo(4 * sigmaMean);
    }

    @Test
    void identityOutsideTraining() {
        var dropout = new Dropout(new DropoutOptions(0.5, 0.5));
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        for (ActivationSite site : ActivationSite.values()) {
            assertThat(dropout.activation(site, x, new TrainingContext(false, 3, new SplittableRandom(1)))).isSameAs(x);
        }
    }

    @Test
    void ratesPerSiteAndNoneOnAttentionProbabilities() {
        var dropout = new Dropout(new DropoutOptions(0.3, 0.1));
        assertThat(dropout.rate(ActivationSite.EMBEDDING)).isEqualTo(0.3);
        assertThat(dropout.rate(ActivationSite.ATTENTION_RESIDUAL)).isEqualTo(0.1);
        assertThat(dropout.rate(ActivationSite.MLP_RESIDUAL)).isEqualTo(0.1);
        assertThat(dropout.rate(ActivationSite.ATTENTION_PROBABILITIES)).isZero();
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        var training = new TrainingContext(true, 0, new SplittableRandom(1));
        assertThat(dropout.activation(ActivationSite.ATTENTION_PROBABILITIES, x, training)).isSameAs(x);
        assertThat(new Dropout(new DropoutOptions(0, 0)).activation(ActivationSite.EMBEDDING, x, training)).isSameAs(x);
    }

    @Test
    void deterministicUnderTheContextsRandom() {
        var dropout = new Dropout(new DropoutOptions(0.5, 0.5));
        Tensor x = Tensor.of(new float[1000], 1000);
        java.util.Arrays.fill(x.data(), 1f);
        float[] a = dropout.activation(ActivationSite.EMBEDDING, x, new TrainingContext(true, 0, new SplittableRandom(42))).data();
        float[] b = dropout.activation(ActivationSite.EMBEDDING, x, new TrainingContext(true, 0, new SplittableRandom(42))).data();
        float[] c = dropout.activation(ActivationSite.EMBEDDING, x, new TrainingContext(true, 0, new SplittableRandom(43))).data();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void rejectsRatesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new DropoutOptions(-0.1, 0)).hasMessageContaining("embedding")
                .hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new DropoutOptions(0, 1.0)).hasMessageContaining("residual")
                .hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new DropoutOptions(0, Double.NaN)).hasMessageContaining("residual");
    }
}
