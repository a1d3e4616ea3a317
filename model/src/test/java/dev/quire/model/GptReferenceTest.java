package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Parameter;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsFile;
import dev.quire.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the whole model against PyTorch: {@code gpt_tiny.safetensors} has nanoGPT-layout weights, a
 * batch, and what PyTorch computes from them in float64 (logits, loss, every gradient, ten AdamW steps).
 */
class GptReferenceTest {

    private static SafetensorsFile fixture;
    private static GptConfig config;
    private static int[] inputs;
    private static int[] targets;
    private static int batch;
    private static int time;

    @BeforeAll
    static void open() {
        fixture = Safetensors.open(Fixtures.reference("gpt_tiny.safetensors"));
        Map<String, String> meta = fixture.metadata();
        config = new GptConfig(Integer.parseInt(meta.get("vocab_size")), Integer.parseInt(meta.get("block_size")),
                Integer.parseInt(meta.get("n_layer")), Integer.parseInt(meta.get("n_head")),
                Integer.parseInt(meta.get("n_embd")), Boolean.parseBoolean(meta.get("bias")),
                Boolean.parseBoolean(meta.get("tied_lm_head")),
                meta.get("gelu").equals("tanh") ? Tensor.Gelu.TANH : Tensor.Gelu.EXACT,
                Float.parseFloat(meta.get("layer_norm_eps")));
        int[] shape = fixture.info("input_ids").shape();
        batch = shape[0];
        time = shape[1];
        inputs = Fixtures.toInts(fixture.i64("input_ids"));
        targets = Fixtures.toInts(fixture.i64("targets"));
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    /** The fixture's model: 2 layers, 4 heads, width 32, vocabulary 65, context 16, tanh GELU, biases, tied. */
    private static Gpt loadedModel() {
        Gpt model = new Gpt(config, Fixtures.attention(), Fixtures.learned(), List.of(), 0);
        Map<String, float[]> weights = new HashMap<>();
        for (Parameter p : model.parameters()) {
            weights.put(p.name(), fixture.f32(p.name()));
        }
        model.loadStateDict(weights);
        return model;
    }

    private static TrainingContext evaluation() {
        return new TrainingContext(false, 0, new Rng(0));
    }

    @Test
    void theConfigurationIsTheOneDescribed() {
        assertThat(config).isEqualTo(new GptConfig(65, 16, 2, 4, 32, true, true, Tensor.Gelu.TANH, 1e-5f));
        // Every weight of the file, no more (the head is tied), in nanoGPT's named_parameters() order.
        List<String> names = loadedModel().parameters().stream().map(Parameter::name).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(fixture.names().stream()
                .filter(n -> n.startsWith("transformer.") || n.startsWith("lm_head.")).toList());
        assertThat(names.subList(0, 8)).containsExactly("transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias", "transformer.h.0.attn.c_attn.weight",
                "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight",
                "transformer.h.0.attn.c_proj.bias");
        assertThat(names.getLast()).isEqualTo("transformer.ln_f.bias");
    }

    @Test
    void logitsLossAndEveryGradientMatchPyTorch() {
        Gpt model = loadedModel();
        try (var noGrad = Grad.disabled()) {
            Tensor logits = model.logits(inputs, batch, time, evaluation());
            assertThat(logits.shape()).containsExactly(batch, time, config.vocabSize());
            assertClose(logits.data(), fixture.f64("expected.logits"), 1e-4, 0, "logits");
        }

        Tensor loss = model.loss(inputs, targets, batch, time, evaluation(), 0f);
        assertThat((double) loss.item()).isCloseTo(fixture.f64("expected.loss")[0],
                org.assertj.core.data.Offset.offset(1e-5));
        loss.backward();

        for (Parameter p : model.parameters()) {
            assertClose(p.value().grad(), fixture.f64("expected.grad." + p.name()), 1e-4, 1e-3, "grad " + p.name());
        }
    }

    @Test
    void tenAdamWStepsMatchPyTorch() {
        Gpt model = loadedModel();
        // lr 1e-3, betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on tensors of rank >= 2 only.
        OptimizerFactory factory = Fixtures.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.95, "eps", 1e-8, "weightDecay", 0.1));
        Optimizer adamw = factory.create(model.optimizerGroups());
        double[] expected = fixture.f64("expected.adamw.losses");

        for (int step = 0; step < expected.length; step++) {
            adamw.zeroGrad();
            Tensor loss = model.loss(inputs, targets, batch, time, evaluation(), 0f);
            assertThat((double) loss.item()).as("loss before step %d", step)
                    .isCloseTo(expected[step], org.assertj.core.data.Offset.offset(1e-4));
            loss.backward();
            adamw.step();
        }

        for (Parameter p : model.parameters()) {
            String name = "expected.adamw.after10." + p.name();
            if (fixture.contains(name)) {
                assertClose(p.value().data(), fixture.f64(name), 1e-4, 0, p.name() + " after 10 steps");
            }
        }
    }

    @Test
    void theDecayGroupHoldsExactlyTheTensorsOfRankTwoOrMore() {
        var groups = loadedModel().optimizerGroups();
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).parameters()).allMatch(p -> p.value().rank() >= 2)
                .extracting(Parameter::name).contains("transformer.wte.weight", "transformer.wpe.weight");
        assertThat(groups.get(1).parameters()).allMatch(p -> p.value().rank() == 1);
        assertThat(groups.get(1).overrides()).containsEntry("weightDecay", 0.0);
    }

    /** |actual − expected| ≤ absolute + relative·|expected| everywhere; reports the worst element. */
    static void assertClose(float[] actual, double[] expected, double absolute, double relative, String what) {
        assertThat(actual).as(what + " exists").isNotNull();
        assertThat(actual).as(what + " length").hasSize(expected.length);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double excess = Math.abs(actual[i] - expected[i]) - (absolute + relative * Math.abs(expected[i]));
            if (!(excess <= worstExcess)) {
                worstExcess = excess;
                worst = i;
            }
        }
        assertThat(worst).as("%s: index %d is %s, expected %s", what, worst,
                worst < 0 ? "" : actual[worst], worst < 0 ? "" : expected[worst]).isEqualTo(-1);
    }
}
