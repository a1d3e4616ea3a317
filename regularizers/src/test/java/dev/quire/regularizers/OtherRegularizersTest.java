package dev.quire.regularizers;

import static dev.quire.api.testing.TestParameters.param;
import static dev.quire.api.testing.TestParameters.setGrad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.Parameter;
import dev.quire.api.Regularizer;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtherRegularizersTest {

    @Test
    void l2PenaltyIsHalfLambdaSumOfSquaresOnTheSelectedParameters() {
        Parameter w = param("transformer.h.0.mlp.c_fc.weight", 1f, -2f);
        Parameter b = param("transformer.h.0.mlp.c_fc.bias", 3f);
        Parameter ln = param("transformer.h.0.ln_1.weight", 5f);
        Parameter wte = param("transformer.wte.weight", 7f);
        Regularizer l2 = new L2Provider().create(new L2Options(0.1, L2Options.DEFAULTS.exclude()));
        Tensor penalty = l2.penalty(List.of(w, b, ln, wte));
        assertThat(penalty.item()).isCloseTo(0.05f * 5f, org.assertj.core.data.Offset.offset(1e-6f));
        penalty.backward();
        assertThat(w.value().grad()).containsExactly(0.1f, -0.2f);
        assertThat(b.value().grad()).isNull();
        assertThat(ln.value().grad()).isNull();
        assertThat(wte.value().grad()).isNull();
        assertThat(new L2Penalty(new L2Options(0, List.of())).penalty(List.of(w))).isNull();
        assertThat(new L2Penalty(new L2Options(0.1, List.of("*"))).penalty(List.of(w))).isNull();
        assertThatThrownBy(() -> new L2Options(-1, List.of())).hasMessageContaining("coefficient")
                .hasMessageContaining(">= 0");
    }

    @Test
    void clipByGlobalNormAsPyTorch() {
        Parameter a = param("a", 0f, 0f);
        Parameter b = param("b", 0f);
        setGrad(a, 3f, 0f);
        setGrad(b, 4f);
        new ClipGradNormProvider().create(new ClipGradNormOptions(1.0)).beforeStep(List.of(a, b));
        float scale = (float) (1.0 / (5.0 + 1e-6));
        assertThat(a.value().grad()).containsExactly(3f * scale, 0f);
        assertThat(b.value().grad()).containsExactly(4f * scale);
        // Under the limit: untouched.
        setGrad(b, 0.5f);
        assertThat(GradClipping.clipNorm(List.of(b), 1.0)).isEqualTo(0.5);
        assertThat(b.value().grad()).containsExactly(0.5f);
        assertThatThrownBy(() -> new ClipGradNormOptions(0)).hasMessageContaining("maxNorm").hasMessageContaining("> 0");
    }

    @Test
    void clipByValue() {
        Parameter a = param("a", 0f, 0f, 0f);
        setGrad(a, 3f, -0.2f, -7f);
        new ClipGradValueProvider().create(new ClipGradValueOptions(0.5)).beforeStep(List.of(a, param("nograd", 1f)));
        assertThat(a.value().grad()).containsExactly(0.5f, -0.2f, -0.5f);
        assertThatThrownBy(() -> new ClipGradValueOptions(-1)).hasMessageContaining("maxValue");
    }

    @Test
    void earlyStoppingsStateCarriesItsCountToAFreshInstance() {
        Regularizer first = new EarlyStopping(new EarlyStoppingOptions(3, 0.0, false));
        assertThat(first.state()).containsEntry(EarlyStopping.BEST, Double.POSITIVE_INFINITY)
                .containsEntry(EarlyStopping.SINCE_BEST, 0.0);
        first.afterValidation(1, 2.0);
        first.afterValidation(2, 2.1);
        first.afterValidation(3, 2.2);
        assertThat(first.state()).isEqualTo(java.util.Map.of(EarlyStopping.BEST, 2.0, EarlyStopping.SINCE_BEST, 2.0));

        Regularizer resumed = new EarlyStopping(new EarlyStoppingOptions(3, 0.0, false));
        resumed.restoreState(first.state());
        assertThat(resumed.afterValidation(4, 2.05)).isEqualTo(Regularizer.Verdict.STOP); // the third in a row
        assertThat(new EarlyStopping(new EarlyStoppingOptions(3, 0.0, false)).afterValidation(4, 2.05))
                .isEqualTo(Regularizer.Verdict.CONTINUE);

        Regularizer other = new EarlyStopping(new EarlyStoppingOptions(3, 0.0, false));
        assertThatThrownBy(() -> other.restoreState(java.util.Map.of("best", 1.0)))
                .hasMessageContaining("validations_since_best");
        assertThatThrownBy(() -> other.restoreState(java.util.Map.of("best", Double.NaN, "validations_since_best", 0.0)))
                .hasMessageContaining("best must be a loss");
        assertThatThrownBy(() -> other.restoreState(java.util.Map.of("best", 1.0, "validations_since_best", 1.5)))
                .hasMessageContaining("whole number");
        // A regularizer that keeps nothing refuses state it never wrote.
        Regularizer clip = new ClipGradValueProvider().create(new ClipGradValueOptions(0.5));
        assertThat(clip.state()).isEmpty();
        assertThatThrownBy(() -> clip.restoreState(java.util.Map.of("best", 1.0))).hasMessageContaining("keeps no state");
    }

    @Test
    void earlyStoppingCountsEvaluationsWithoutImprovement() {
        Regularizer stop = new EarlyStoppingProvider().create(new EarlyStoppingOptions(2, 0.01, true));
        assertThat(stop.restoreBestOnStop()).isTrue();
        assertThat(stop.afterValidation(1, 2.0)).isEqualTo(Regularizer.Verdict.CONTINUE);
        assertThat(stop.afterValidation(2, 1.5)).isEqualTo(Regularizer.Verdict.CONTINUE);
        assertThat(stop.afterValidation(3, 1.495)).isEqualTo(Regularizer.Verdict.CONTINUE); // not by minDelta
        assertThat(stop.afterValidation(4, 1.3)).isEqualTo(Regularizer.Verdict.CONTINUE);   // improvement resets
        assertThat(stop.afterValidation(5, 1.4)).isEqualTo(Regularizer.Verdict.CONTINUE);
        assertThat(stop.afterValidation(6, 1.35)).isEqualTo(Regularizer.Verdict.STOP);
        assertThat(new EarlyStopping(new EarlyStoppingOptions(1, 0, false)).restoreBestOnStop()).isFalse();
        assertThatThrownBy(() -> new EarlyStoppingOptions(0, 0, true)).hasMessageContaining("patience")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new EarlyStoppingOptions(1, -1, true)).hasMessageContaining("minDelta");
    }

    /** The module declares every provider, the class-path services file names the same, each creates from its defaults. */
    @Test
    void everyRegularizerIsDeclaredWithValidDefaults() throws Exception {
        List<String> declared = new java.util.ArrayList<>();
        var descriptor = getClass().getModule().getDescriptor();
        if (descriptor != null) {
            descriptor.provides().stream().filter(p -> p.service().equals(ComponentProvider.class.getName()))
                    .forEach(p -> declared.addAll(p.providers()));
        }
        List<String> listed;
        try (var in = getClass().getResourceAsStream("/META-INF/services/" + ComponentProvider.class.getName())) {
            listed = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        if (descriptor != null) {
            assertThat(declared).containsExactlyInAnyOrderElementsOf(listed);
        }
        Set<String> ids = new java.util.HashSet<>();
        for (String name : listed) {
            var provider = (ComponentProvider<?, ?>) Class.forName(name).getConstructor().newInstance();
            assertThat(provider.kind()).isEqualTo(ComponentKind.REGULARIZER);
            assertThat(provider.createUnchecked(provider.defaultOptions())).isInstanceOf(Regularizer.class);
            ids.add(provider.id());
        }
        assertThat(ids).containsExactlyInAnyOrder("dropout", "l2", "label-smoothing", "clip-grad-norm",
                "clip-grad-value", "early-stopping");
    }
}
