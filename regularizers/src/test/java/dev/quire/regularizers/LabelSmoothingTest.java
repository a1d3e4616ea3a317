package dev.quire.regularizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Regularizer;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsFile;
import dev.quire.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The {@code label-smoothing} component, through its provider, reproduces PyTorch's cross-entropy. */
class LabelSmoothingTest {

    static Path reference(String name) {
        return Path.of(System.getProperty("quire.shared", "../../shared"), "reference", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0", "0.1"})
    void reproducesTheCrossEntropyReference(String smoothing) {
        Regularizer regularizer = new LabelSmoothingProvider().create(new LabelSmoothingOptions(Double.parseDouble(smoothing)));
        try (SafetensorsFile f = Safetensors.open(reference("cross_entropy.safetensors"))) {
            int[] shape = f.info("logits").shape();
            long[] t64 = f.i64("targets");
            int[] targets = new int[t64.length];
            for (int i = 0; i < t64.length; i++) {
                targets[i] = Math.toIntExact(t64[i]);
            }
            Tensor logits = Tensor.parameter(f.f32("logits"), shape);
            // As the trainer does: the smoothing the regularizer asks for goes into the cross-entropy.
            Tensor loss = logits.crossEntropy(targets, -100, (float) regularizer.labelSmoothing());
            loss.backward();
            double expectedLoss = f.f64("expected.ls" + smoothing + ".loss")[0];
            double[] expectedGrad = f.f64("expected.ls" + smoothing + ".grad");
            assertThat(Math.abs(loss.item() - expectedLoss)).isLessThanOrEqualTo(1e-6);
            float[] g = logits.grad();
            for (int i = 0; i < g.length; i++) {
                assertThat(Math.abs(g[i] - expectedGrad[i])).as("grad[%d]", i).isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void rejectsSmoothingOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new LabelSmoothingOptions(1.0)).hasMessageContaining("smoothing")
                .hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new LabelSmoothingOptions(-0.5)).hasMessageContaining("smoothing");
    }
}
