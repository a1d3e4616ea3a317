package dev.quire.rlhf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.AlignmentMethod;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    @Test
    void dpoPpoAndGrpoAreAlignmentComponentsFoundByServiceLoader() {
        Map<String, ComponentProvider<?, ?>> alignment = new TreeMap<>();
        for (ComponentProvider<?, ?> p : ServiceLoader.load(ComponentProvider.class)) {
            if (p.kind() == ComponentKind.ALIGNMENT) {
                alignment.put(p.id(), p);
            }
        }
        assertThat(alignment).containsOnlyKeys("dpo", "grpo", "ppo");
        assertThat(alignment.get("dpo").createUnchecked(alignment.get("dpo").defaultOptions())).isInstanceOf(Dpo.class);
        assertThat(alignment.get("ppo").createUnchecked(alignment.get("ppo").defaultOptions())).isInstanceOf(Ppo.class);
        assertThat(alignment.get("grpo").createUnchecked(alignment.get("grpo").defaultOptions()))
                .isInstanceOf(Grpo.class).isInstanceOf(AlignmentMethod.class);
        assertThat(alignment.get("dpo").defaultOptions()).isEqualTo(new DpoOptions(0.1));
        assertThat(((PpoOptions) alignment.get("ppo").defaultOptions()).epochs()).isEqualTo(4);
        assertThat(((GrpoOptions) alignment.get("grpo").defaultOptions()).kl()).isEqualTo(GrpoOptions.KlMode.REWARD);
    }
}
