package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreezingTest {

    @Test
    void globsMatchWholeNamesWithStarAcrossDots() {
        assertThat(Freezing.matches("transformer.h.0.*", "transformer.h.0.attn.c_attn.weight")).isTrue();
        assertThat(Freezing.matches("transformer.h.0.*", "transformer.h.10.attn.c_attn.weight")).isFalse();
        assertThat(Freezing.matches("transformer.h.?.ln_1.*", "transformer.h.3.ln_1.bias")).isTrue();
        assertThat(Freezing.matches("transformer.wte.weight", "transformer.wte.weight")).isTrue();
        assertThat(Freezing.matches("transformer.wte", "transformer.wte.weight")).as("whole names only").isFalse();
        assertThat(Freezing.matches("*.c_(attn)", "x.c_(attn)")).as("regex characters are literal").isTrue();
        assertThat(Freezing.matches("*.c_(attn)", "x.c_attn")).isFalse();
    }

    @Test
    void aFrozenParameterIsBitIdenticalAfterTrainingWhileTheOthersChange() {
        Gpt model = FinetuneTesting.model(1);
        List<String> frozen = Freezing.freeze(model, List.of("transformer.h.0.*", "transformer.wte.weight"));
        assertThat(frozen).startsWith("transformer.wte.weight", "transformer.h.0.ln_1.weight")
                .hasSize(1 + 12)     // wte, and block 0: 2 layer norms and 4 linear layers, weight and bias each
                .allMatch(name -> name.equals("transformer.wte.weight") || name.startsWith("transformer.h.0."));
        assertThat(Freezing.frozen(model)).isEqualTo(frozen);
        Map<String, float[]> before = FinetuneTesting.snapshot(model);

        // AdamW with weight decay 0.1: a frozen tensor in its groups would shrink even without a gradient.
        FinetuneTesting.finetuner(model, FinetuneTesting.reversalData(32, 1), 4, 1e-2).run();

        for (Parameter p : model.parameters()) {
            if (frozen.contains(p.name())) {
                assertThat(p.value().data()).as(p.name() + " is frozen").containsExactly(before.get(p.name()));
                assertThat(p.value().grad()).as(p.name() + " gets no gradient").isNull();
            } else {
                assertThat(p.value().data()).as(p.name() + " trains").isNotEqualTo(before.get(p.name()));
            }
        }
    }

    @Test
    void frozenParametersAreInNoOptimizerGroup() {
        Gpt model = FinetuneTesting.model(1);
        int all = model.parameters().size();
        Freezing.freeze(model, List.of("*.ln_?.*", "transformer.ln_f.*"));
        List<String> grouped = model.optimizerGroups().stream().map(ParameterGroup::parameters)
                .flatMap(List::stream).map(Parameter::name).toList();
        assertThat(grouped).hasSize(all - 10)   // 2 blocks x 2 layer norms x 2 tensors, and ln_f's 2
                .noneMatch(name -> name.contains(".ln_"));
        assertThat(model.trainableParameters()).hasSize(all - 10);

        Freezing.unfreezeAll(model);
        assertThat(model.trainableParameters()).hasSize(all);
    }

    @Test
    void aPatternThatMatchesNothingIsAnErrorAndFreezesNothing() {
        Gpt model = FinetuneTesting.model(1);
        assertThatThrownBy(() -> Freezing.freeze(model, List.of("transformer.h.0.*", "transformer.h.9.*")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("freeze pattern 'transformer.h.9.*' matches no parameter; "
                        + "the model's parameters are transformer.wte.weight, transformer.wpe.weight");
        assertThat(Freezing.frozen(model)).isEmpty();
        assertThatThrownBy(() -> Freezing.freeze(model, List.of(" "))).hasMessageContaining("must not be empty");
    }

    @Test
    void aModelWithEverythingFrozenCannotBeFineTuned() {
        Gpt model = FinetuneTesting.model(1);
        Freezing.freeze(model, List.of("*"));
        assertThatThrownBy(() -> FinetuneTesting.finetuner(model, FinetuneTesting.reversalData(8, 1), 1, 1e-3))
                .hasMessageContaining("every parameter of the model is frozen");
    }
}
