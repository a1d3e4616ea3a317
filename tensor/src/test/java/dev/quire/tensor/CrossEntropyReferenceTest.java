package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Holds crossEntropy against PyTorch's float64 results in {@code reference/cross_entropy.safetensors}. */
class CrossEntropyReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0", "0.1"})
    void matchesPyTorch(String smoothing) {
        try (SafetensorsFile f = Safetensors.open(SharedFiles.reference("cross_entropy.safetensors"))) {
            int[] shape = f.info("logits").shape();
            assertThat(shape).containsExactly(24, 11);
            long[] t64 = f.i64("targets");
            int[] targets = new int[t64.length];
            int ignored = 0;
            for (int i = 0; i < t64.length; i++) {
                targets[i] = Math.toIntExact(t64[i]);
                if (targets[i] == -100) ignored++;
            }
            assertThat(ignored).isEqualTo(3);
            Tensor logits = Tensor.parameter(f.f32("logits"), shape);
            Tensor loss = logits.crossEntropy(targets, -100, Float.parseFloat(smoothing));
            loss.backward();

            double expectedLoss = f.f64("expected.ls" + smoothing + ".loss")[0];
            double[] expectedGrad = f.f64("expected.ls" + smoothing + ".grad");
            assertThat(Math.abs(loss.item() - expectedLoss)).as("loss %s vs %s", loss.item(), expectedLoss)
                    .isLessThanOrEqualTo(1e-6);
            float[] g = logits.grad();
            for (int i = 0; i < g.length; i++) {
                assertThat(Math.abs(g[i] - expectedGrad[i])).as("grad[%d] %s vs %s", i, g[i], expectedGrad[i])
                        .isLessThanOrEqualTo(1e-6);
            }
        }
    }
}
