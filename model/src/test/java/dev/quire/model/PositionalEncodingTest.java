package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.ComponentKind;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.PositionalLayer;
import dev.quire.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositionalEncodingTest {

    @Test
    void sinusoidalIsVaswanisFormula() {
        PositionalEncoding encoding = Fixtures.create(ComponentKind.POSITIONAL_ENCODING, "sinusoidal", PositionalEncoding.class);
        PositionalLayer layer = encoding.build(10, 6, 3, new Rng(0));
        assertThat(layer.parameters()).isEmpty();

        Tensor out = layer.embed(Tensor.zeros(1, 4, 6), 3); // positions 3..6 added to zeros
        for (int t = 0; t < 4; t++) {
            int pos = 3 + t;
            for (int i = 0; i < 3; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / 6);
                assertThat((double) out.get(0, t, 2 * i)).isCloseTo(Math.sin(angle), within(1e-6));
                assertThat((double) out.get(0, t, 2 * i + 1)).isCloseTo(Math.cos(angle), within(1e-6));
            }
        }
    }

    @Test
    void learnedAddsTheRowsOfItsTableAndLearnsThem() {
        PositionalEncoding encoding = Fixtures.create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class,
                Map.of("initStd", 0.5));
        PositionalLayer layer = encoding.build(5, 2, 1, new Rng(0));
        assertThat(layer.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("weight");
            assertThat(p.value().shape()).containsExactly(5, 2);
        });
        Tensor table = layer.parameters().getFirst().value();

        Tensor out = layer.embed(Tensor.ones(2, 2, 2), 3); // batch 2, positions 3 and 4
        assertThat(out.get(1, 0, 1)).isEqualTo(1 + table.get(3, 1));
        assertThat(out.get(0, 1, 0)).isEqualTo(1 + table.get(4, 0));
        out.sum().backward();
        // Two batch elements each reach rows 3 and 4; rows 0..2 are untouched.
        assertThat(table.grad()).containsExactly(0, 0, 0, 0, 0, 0, 2, 2, 2, 2);
    }

    @Test
    void positionsBeyondTheTableAreRejected() {
        PositionalLayer layer = new LearnedPositionalEncoding(0.02).build(4, 2, 1, new Rng(0));
        assertThatThrownBy(() -> layer.embed(Tensor.zeros(1, 2, 2), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positions 3..4 exceed the 4");
        assertThatThrownBy(() -> layer.embed(Tensor.zeros(1, 2, 3), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, T, 2]");
    }
}
