package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Parameter;
import dev.quire.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraTest {

    private static final List<String> ADAPTERS = List.of(
            "transformer.h.0.attn.c_attn.lora_A", "transformer.h.0.attn.c_attn.lora_B",
            "transformer.h.0.attn.c_proj.lora_A", "transformer.h.0.attn.c_proj.lora_B",
            "transformer.h.1.attn.c_attn.lora_A", "transformer.h.1.attn.c_attn.lora_B",
            "transformer.h.1.attn.c_proj.lora_A", "transformer.h.1.attn.c_proj.lora_B");

    @Test
    void theModelNamesItsLinearLayers() {
        assertThat(FinetuneTesting.model(1).linearLayerNames()).containsExactly(
                "transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj",
                "transformer.h.0.mlp.c_fc", "transformer.h.0.mlp.c_proj",
                "transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj",
                "transformer.h.1.mlp.c_fc", "transformer.h.1.mlp.c_proj");
    }

    @Test
    void attachingAddsNamedAdaptersAndFreezesEverythingElse() {
        Gpt model = FinetuneTesting.model(1);
        List<String> base = model.parameters().stream().map(Parameter::name).toList();
        List<String> adapted = Lora.attach(model, new LoraConfig(4, 8, LoraConfig.DEFAULT_TARGETS, 0));

        assertThat(adapted).containsExactly("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj",
                "transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj");
        Map<String, Tensor> byName = model.stateDict();
        assertThat(byName).hasSize(base.size() + 8).containsKeys(base.toArray(String[]::new));
        assertThat(byName.get("transformer.h.0.attn.c_attn.lora_A").shape()).containsExactly(4, 16);
        assertThat(byName.get("transformer.h.0.attn.c_attn.lora_B").shape()).containsExactly(48, 4);
        assertThat(byName.get("transformer.h.1.attn.c_proj.lora_A").shape()).containsExactly(4, 16);
        assertThat(byName.get("transformer.h.1.attn.c_proj.lora_B").shape()).containsExactly(16, 4);
        assertThat(byName.get("transformer.h.1.attn.c_proj.lora_B").data()).containsOnly(0f);
        // After the layer's own weight and bias, in model order.
        List<String> names = model.parameters().stream().map(Parameter::name).toList();
        assertThat(names.subList(names.indexOf("transformer.h.0.attn.c_attn.weight"),
                names.indexOf("transformer.h.0.attn.c_proj.weight"))).containsExactly(
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias",
                "transformer.h.0.attn.c_attn.lora_A", "transformer.h.0.attn.c_attn.lora_B");
        assertThat(model.trainableParameters()).extracting(Parameter::name).containsExactlyElementsOf(ADAPTERS);
        assertThat(Freezing.frozen(model)).containsExactlyElementsOf(base);

        // A: normal(0, (1/rank)^2): the sample std of its 4 x 16 x 4 = 256 values is near 0.25.
        double sumSquares = 0;
        int n = 0;
        for (String name : ADAPTERS) {
            if (name.endsWith("lora_A")) {
                for (float a : byName.get(name).data()) {
                    sumSquares += a * a;
                    n++;
                }
            }
        }
        assertThat(Math.sqrt(sumSquares / n)).isBetween(0.2, 0.3);
    }

    @Test
    void atInitializationTheLogitsEqualTheBaseModelsExactly() {
        float[] base = FinetuneTesting.logits(FinetuneTesting.model(1));
        Gpt adapted = FinetuneTesting.model(1);
        Lora.attach(adapted, new LoraConfig(4, 16, List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"), 9));
        assertThat(Lora.adaptedLayers(adapted)).hasSize(8);
        assertThat(FinetuneTesting.logits(adapted)).containsExactly(base);
    }

    @Test
    void theMergedModelGivesTheLogitsOfBasePlusAdapters() {
        Gpt model = FinetuneTesting.model(1);
        Lora.attach(model, new LoraConfig(2, 4, List.of("c_attn", "mlp.c_fc"), 3));
        // As after training: B away from zero.
        Rng rng = new Rng(11);
        for (Tensor b : Lora.adapterState(model).values()) {
            for (int i = 0; i < b.size(); i++) {
                b.data()[i] = (float) (rng.nextGaussian() * 0.3);
            }
        }
        float[] withAdapters = FinetuneTesting.logits(model);
        float[] base = FinetuneTesting.logits(FinetuneTesting.model(1));
        assertThat(FinetuneTesting.maxAbsDifference(withAdapters, base)).as("the adapters matter").isGreaterThan(1e-2);

        List<String> merged = Lora.merge(model);

        assertThat(merged).containsExactly("transformer.h.0.attn.c_attn", "transformer.h.0.mlp.c_fc",
                "transformer.h.1.attn.c_attn", "transformer.h.1.mlp.c_fc");
        assertThat(Lora.hasAdapters(model)).isFalse();
        assertThat(model.parameters()).extracting(Parameter::name)
                .containsExactlyElementsOf(FinetuneTesting.model(1).stateDict().keySet());
        assertThat(FinetuneTesting.maxAbsDifference(FinetuneTesting.logits(model), withAdapters)).isLessThan(1e-5);
    }

    @Test
    void withMergedPutsBackTheExactBaseWeightsAndAdapters() {
        Gpt model = FinetuneTesting.model(1);
        Lora.attach(model, LoraConfig.of(2, 2));
        Lora.adapterState(model).values().forEach(t -> java.util.Arrays.fill(t.data(), 0.1f));
        Map<String, float[]> before = FinetuneTesting.snapshot(model);
        float[] logits = FinetuneTesting.logits(model);
        List<String> namesInside = new java.util.ArrayList<>();

        Lora.withMerged(model, () -> model.parameters().forEach(p -> namesInside.add(p.name())));

        assertThat(namesInside).noneMatch(name -> name.contains("lora"));
        Map<String, float[]> after = FinetuneTesting.snapshot(model);
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        before.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
        assertThat(FinetuneTesting.logits(model)).containsExactly(logits);
    }

    @Test
    void onlyTheAdaptersChangeDuringLoraTraining() {
        Gpt model = FinetuneTesting.model(1);
        Lora.attach(model, new LoraConfig(4, 8, LoraConfig.DEFAULT_TARGETS, 0));
        Map<String, float[]> before = FinetuneTesting.snapshot(model);
        FinetuneData data = FinetuneTesting.reversalData(32, 2);
        Finetuner finetuner = FinetuneTesting.finetuner(model, data, 20, 3e-2);
        double initial = finetuner.evaluate().validationLoss();

        TrainingResult result = finetuner.run();

        for (Parameter p : model.parameters()) {
            if (ADAPTERS.contains(p.name())) {
                assertThat(p.value().data()).as(p.name() + " trains").isNotEqualTo(before.get(p.name()));
            } else {
                assertThat(p.value().data()).as(p.name() + " is frozen").containsExactly(before.get(p.name()));
            }
        }
        // Measured: 2.078 -> 2.016 nats on the held-out completions (a random, frozen base leaves the
        // adapters little to steer; the point here is that the loss moves through them alone).
        assertThat(result.lastEvaluation().validationLoss()).as("it learns").isLessThan(initial - 0.03);
    }

    @Test
    void theAdapterStateHoldsExactlyTheAdaptersAndLoadsIntoAFreshModel() {
        LoraConfig config = new LoraConfig(3, 6, LoraConfig.DEFAULT_TARGETS, 4);
        Gpt trained = FinetuneTesting.model(1);
        Lora.attach(trained, config);
        FinetuneTesting.finetuner(trained, FinetuneTesting.reversalData(16, 3), 3, 1e-2).run();

        Map<String, Tensor> state = Lora.adapterState(trained);
        assertThat(state.keySet()).containsExactlyElementsOf(ADAPTERS);
        for (String name : ADAPTERS) {
            assertThat(state.get(name)).isSameAs(trained.stateDict().get(name));
        }

        Map<String, float[]> saved = new LinkedHashMap<>();
        state.forEach((name, tensor) -> saved.put(name, tensor.data().clone()));
        Gpt fresh = FinetuneTesting.model(1);
        Lora.attach(fresh, new LoraConfig(3, 6, LoraConfig.DEFAULT_TARGETS, 99));
        assertThat(FinetuneTesting.logits(fresh)).isNotEqualTo(FinetuneTesting.logits(trained));
        Lora.loadAdapterState(fresh, saved);
        assertThat(FinetuneTesting.logits(fresh)).containsExactly(FinetuneTesting.logits(trained));

        Gpt otherRank = FinetuneTesting.model(1);
        Lora.attach(otherRank, new LoraConfig(2, 6, LoraConfig.DEFAULT_TARGETS, 4));
        assertThatThrownBy(() -> Lora.loadAdapterState(otherRank, saved))
                .hasMessageContaining("transformer.h.0.attn.c_attn.lora_A has 48 values, expected 32");
        saved.put("transformer.h.0.mlp.c_fc.lora_A", new float[1]);
        assertThatThrownBy(() -> Lora.loadAdapterState(fresh, saved))
                .hasMessageContaining("unexpected transformer.h.0.mlp.c_fc.lora_A");
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThatThrownBy(() -> new LoraConfig(0, 8, LoraConfig.DEFAULT_TARGETS, 0))
                .hasMessage("LoRA rank must be at least 1, got 0");
        assertThatThrownBy(() -> new LoraConfig(-2, 8, LoraConfig.DEFAULT_TARGETS, 0))
                .hasMessage("LoRA rank must be at least 1, got -2");
        assertThatThrownBy(() -> new LoraConfig(4, 0, LoraConfig.DEFAULT_TARGETS, 0))
                .hasMessage("LoRA alpha must be a number > 0, got 0.0");
        assertThatThrownBy(() -> new LoraConfig(4, 8, List.of(), 0)).hasMessageContaining("at least one");

        Gpt model = FinetuneTesting.model(1);
        assertThatThrownBy(() -> Lora.attach(model, new LoraConfig(4, 8, List.of("attn.c_attn", "attn.q_proj"), 0)))
                .hasMessageStartingWith("LoRA target 'attn.q_proj' matches no linear layer; the layers are "
                        + "transformer.h.0.attn.c_attn, transformer.h.0.attn.c_proj, transformer.h.0.mlp.c_fc");
        assertThat(Lora.hasAdapters(model)).isFalse();
        assertThat(Freezing.frozen(model)).as("nothing frozen by a failed attach").isEmpty();

        Lora.attach(model, LoraConfig.of(4, 8));
        assertThatThrownBy(() -> Lora.attach(model, LoraConfig.of(4, 8))).hasMessageContaining("already has LoRA adapters");
    }
}
