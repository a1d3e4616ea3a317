package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.ActivationSite;
import dev.quire.api.Parameter;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GptTest {

    private static final GptConfig SMALL = new GptConfig(11, 8, 2, 2, 16, false, false, Tensor.Gelu.EXACT, 1e-5f);

    private static Gpt model(GptConfig config, long seed) {
        return new Gpt(config, Fixtures.attention(), Fixtures.learned(), List.of(), seed);
    }

    private static TrainingContext inference() {
        return new TrainingContext(false, 0, new Rng(0));
    }

    @Test
    void withoutBiasesAndWithAnUntiedHeadTheNamesAreNanoGpts() {
        List<String> names = model(SMALL, 1).parameters().stream().map(Parameter::name).toList();
        assertThat(names).containsExactly(
                "transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.ln_1.weight", "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
                "transformer.h.0.ln_2.weight", "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight",
                "transformer.h.1.ln_1.weight", "transformer.h.1.attn.c_attn.weight", "transformer.h.1.attn.c_proj.weight",
                "transformer.h.1.ln_2.weight", "transformer.h.1.mlp.c_fc.weight", "transformer.h.1.mlp.c_proj.weight",
                "transformer.ln_f.weight", "lm_head.weight");
        Map<String, Tensor> state = model(SMALL, 1).stateDict();
        assertThat(state.get("transformer.h.0.attn.c_attn.weight").shape()).containsExactly(48, 16);
        assertThat(state.get("transformer.h.0.mlp.c_fc.weight").shape()).containsExactly(64, 16);
        assertThat(state.get("transformer.h.0.mlp.c_proj.weight").shape()).containsExactly(16, 64);
        assertThat(state.get("lm_head.weight").shape()).containsExactly(11, 16);
    }

    @Test
    void theShakespeareModelHasNanoGptsParameterCount() {
        Gpt gpt = model(GptConfig.shakespeareCharCpu(65), 1);
        // nanoGPT prints 0.80M without the 64x128 position table; this count includes it.
        assertThat(gpt.parameterCount()).isEqualTo(804_096L);
        assertThat(gpt.parameterCount() - 64 * 128).isEqualTo(795_904L);
    }

    @Test
    void initializationFollowsNanoGpt() {
        GptConfig config = new GptConfig(300, 64, 4, 4, 128, true, true, Tensor.Gelu.EXACT, 1e-5f);
        Map<String, Tensor> state = model(config, 3).stateDict();
        assertThat(std(state.get("transformer.wte.weight"))).isCloseTo(0.02, within(0.001));
        assertThat(std(state.get("transformer.h.0.mlp.c_fc.weight"))).isCloseTo(0.02, within(0.001));
        double residual = 0.02 / Math.sqrt(2 * 4);
        assertThat(std(state.get("transformer.h.3.attn.c_proj.weight"))).isCloseTo(residual, within(0.0005));
        assertThat(std(state.get("transformer.h.3.mlp.c_proj.weight"))).isCloseTo(residual, within(0.0005));
        assertThat(state.get("transformer.h.1.attn.c_attn.bias").data()).containsOnly(0f);
        assertThat(state.get("transformer.ln_f.weight").data()).containsOnly(1f);
        assertThat(state.get("transformer.ln_f.bias").data()).containsOnly(0f);
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        Map<String, Tensor> a = model(SMALL, 5).stateDict();
        Map<String, Tensor> b = model(SMALL, 5).stateDict();
        Map<String, Tensor> c = model(SMALL, 6).stateDict();
        a.forEach((name, t) -> assertThat(b.get(name).data()).as(name).containsExactly(t.data()));
        assertThat(c.get("transformer.wte.weight").data()).isNotEqualTo(a.get("transformer.wte.weight").data());
    }

    @Test
    void loadStateDictChecksEverythingBeforeCopyingAnything() {
        Gpt target = model(SMALL, 1);
        Map<String, float[]> weights = new HashMap<>();
        model(SMALL, 2).stateDict().forEach((name, t) -> weights.put(name, t.data().clone()));
        float[] before = target.stateDict().get("transformer.wte.weight").data().clone();

        weights.remove("transformer.ln_f.weight");
        weights.put("transformer.h.0.attn.c_attn.weight", new float[7]);
        weights.put("transformer.h.9.mlp.c_fc.weight", new float[1]);

        assertThatThrownBy(() -> target.loadStateDict(weights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 problem(s)")
                .hasMessageContaining("missing transformer.ln_f.weight [16]")
                .hasMessageContaining("transformer.h.0.attn.c_attn.weight has 7 values, expected 768 for shape [48, 16]")
                .hasMessageContaining("unexpected transformer.h.9.mlp.c_fc.weight");
        assertThat(target.stateDict().get("transformer.wte.weight").data()).containsExactly(before);
    }

    @Test
    void loadStateDictCopiesValuesAndAcceptsNanoGptsDuplicateOfATiedHead() {
        GptConfig tied = new GptConfig(11, 8, 1, 2, 16, true, true, Tensor.Gelu.TANH, 1e-5f);
        Gpt source = model(tied, 1);
        Gpt target = model(tied, 2);
        Map<String, float[]> weights = new HashMap<>();
        source.stateDict().forEach((name, t) -> weights.put(name, t.data().clone()));
        weights.put("lm_head.weight", weights.get("transformer.wte.weight").clone());

        target.loadStateDict(weights);

        source.stateDict().forEach((name, t) -> assertThat(target.stateDict().get(name).data()).containsExactly(t.data()));
        weights.get("lm_head.weight")[0] += 1;
        assertThatThrownBy(() -> target.loadStateDict(weights)).hasMessageContaining("lm_head.weight differs");
    }

    @Test
    void logitsHaveOneRowPerPositionAndBadInputsAreNamed() {
        Gpt gpt = model(SMALL, 1);
        try (var noGrad = Grad.disabled()) {
            assertThat(gpt.logits(new int[] {1, 2, 3, 4, 5, 6}, 2, 3, inference()).shape()).containsExactly(2, 3, 11);
            assertThatThrownBy(() -> gpt.logits(new int[] {1, 11}, 1, 2, inference()))
                    .hasMessageContaining("token 11 at position 1").hasMessageContaining("[0, 11)");
            assertThatThrownBy(() -> gpt.logits(new int[9], 1, 9, inference()))
                    .hasMessageContaining("exceed the context length 8");
            assertThatThrownBy(() -> gpt.logits(new int[5], 2, 3, inference()))
                    .hasMessageContaining("5 tokens do not form [batch 2, time 3]");
        }
        assertThatThrownBy(() -> gpt.loss(new int[] {1, 2}, new int[] {3, 12}, 1, 2, inference(), 0f))
                .hasMessageContaining("target 12 at position 1");
    }

    @Test
    void ignoredTargetsDoNotCount() {
        Gpt gpt = model(SMALL, 1);
        int[] tokens = {1, 2, 3, 4};
        try (var noGrad = Grad.disabled()) {
            float full = gpt.loss(tokens, new int[] {2, 3, 4, 5}, 1, 4, inference(), 0f).item();
            float firstTwo = gpt.loss(tokens, new int[] {2, 3, Gpt.IGNORE_INDEX, Gpt.IGNORE_INDEX}, 1, 4, inference(), 0f).item();
            Tensor logits = gpt.logits(tokens, 1, 4, inference()).slice(1, 0, 2);
            assertThat(firstTwo).isCloseTo(logits.crossEntropy(new int[] {2, 3}, -1, 0f).item(), within(1e-6f));
            assertThat(firstTwo).isNotEqualTo(full);
        }
    }

    @Test
    void regularizersSeeEverySiteAndCanChangeTheActivations() {
        List<ActivationSite> seen = new ArrayList<>();
        Regularizer recorder = new Regularizer() {
            @Override
            public Tensor activation(ActivationSite site, Tensor x, TrainingContext context) {
                seen.add(site);
                return x;
            }
        };
        Regularizer silencer = new Regularizer() {
            @Override
            public Tensor activation(ActivationSite site, Tensor x, TrainingContext context) {
                return site == ActivationSite.EMBEDDING || !context.training() ? x : x.mul(0f);
            }
        };
        int[] tokens = {1, 2, 3};
        Gpt recorded = new Gpt(SMALL, Fixtures.attention(), Fixtures.learned(), List.of(recorder), 9);
        recorded.logits(tokens, 1, 3, inference());
        assertThat(seen).containsExactly(ActivationSite.EMBEDDING,
                ActivationSite.ATTENTION_RESIDUAL, ActivationSite.MLP_RESIDUAL,
                ActivationSite.ATTENTION_RESIDUAL, ActivationSite.MLP_RESIDUAL);

        // With every branch silenced, the blocks pass the embedding through unchanged.
        Gpt silenced = new Gpt(SMALL, Fixtures.attention(), Fixtures.learned(), List.of(silencer), 9);
        Gpt plain = model(SMALL, 9);
        TrainingContext training = new TrainingContext(true, 0, new Rng(0));
        assertThat(silenced.logits(tokens, 1, 3, training).data()).isNotEqualTo(plain.logits(tokens, 1, 3, training).data());
        assertThat(silenced.logits(tokens, 1, 3, inference()).data()).containsExactly(plain.logits(tokens, 1, 3, inference()).data());
    }

    @Test
    void attentionDropoutActsOnlyInTrainingAndFollowsTheSeed() {
        Regularizer attentionDropout = new Regularizer() {
            @Override
            public double attentionDropout() {
                return 0.5;
            }
        };
        int[] tokens = {1, 2, 3, 4, 5, 6};
        Gpt dropped = new Gpt(SMALL, Fixtures.attention(), Fixtures.learned(), List.of(attentionDropout), 9);
        Gpt plain = model(SMALL, 9);
        // Outside training the rate is ignored: the same numbers as a model without the regularizer.
        assertThat(dropped.logits(tokens, 1, 6, inference()).data()).containsExactly(plain.logits(tokens, 1, 6, inference()).data());
        // In training the probabilities are dropped, with masks drawn from the step's random source.
        float[] first = dropped.logits(tokens, 1, 6, new TrainingContext(true, 0, new Rng(3))).data().clone();
        float[] again = dropped.logits(tokens, 1, 6, new TrainingContext(true, 0, new Rng(3))).data().clone();
        float[] other = dropped.logits(tokens, 1, 6, new TrainingContext(true, 0, new Rng(4))).data().clone();
        assertThat(first).isNotEqualTo(plain.logits(tokens, 1, 6, new TrainingContext(true, 0, new Rng(3))).data());
        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aModelWithSinusoidalPositionsHasNoPositionParameters() {
        Gpt gpt = new Gpt(SMALL, Fixtures.attention(), new SinusoidalPositionalEncoding(10000), List.of(), 1);
        assertThat(gpt.parameters()).extracting(Parameter::name).doesNotContain("transformer.wpe.weight");
        Tensor loss = gpt.loss(new int[] {1, 2, 3}, new int[] {2, 3, 4}, 1, 3, inference(), 0f);
        loss.backward();
        assertThat(gpt.parameters()).allMatch(p -> p.value().grad() != null);
    }

    @Test
    void configurationsAreValidated() {
        assertThatThrownBy(() -> new GptConfig(11, 8, 2, 3, 16, false, true, Tensor.Gelu.EXACT, 1e-5f))
                .hasMessageContaining("width (16) must be a multiple of heads (3)");
        assertThatThrownBy(() -> new GptConfig(0, 8, 2, 2, 16, false, true, Tensor.Gelu.EXACT, 1e-5f))
                .hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> new GptConfig(11, 8, 2, 2, 16, false, true, Tensor.Gelu.EXACT, 0f))
                .hasMessageContaining("layerNormEps");
        assertThat(GptConfig.shakespeareCharCpu(65)).isEqualTo(
                new GptConfig(65, 64, 4, 4, 128, false, true, Tensor.Gelu.EXACT, 1e-5f));
    }

    private static double std(Tensor t) {
        double sum = 0;
        double squares = 0;
        for (float v : t.data()) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / t.size();
        return Math.sqrt(squares / t.size() - mean * mean);
    }
}
