package dev.quire.rlhf;

import dev.quire.api.AlignmentModel;
import dev.quire.api.Parameter;
import dev.quire.api.TrainingContext;
import dev.quire.model.Gpt;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Gpt} as an {@link AlignmentModel}: the same parameters and logits, plus the final hidden states
 * ({@link Gpt#features}) and the vocabulary head applied to them, so PPO reads logits and values from one pass.
 *
 * @param gpt the model; updated in place by alignment
 */
public record GptPolicy(Gpt gpt) implements AlignmentModel {

    public GptPolicy {
        Objects.requireNonNull(gpt, "gpt");
    }

    @Override
    public int vocabSize() {
        return gpt.vocabSize();
    }

    @Override
    public int contextLength() {
        return gpt.contextLength();
    }

    @Override
    public List<Parameter> parameters() {
        return gpt.parameters();
    }

    @Override
    public Tensor logits(int[] tokens, int batch, int time, TrainingContext context) {
        return gpt.logits(tokens, batch, time, context);
    }

    @Override
    public int width() {
        return gpt.config().width();
    }

    @Override
    public Tensor features(int[] tokens, int batch, int time, TrainingContext context) {
        return gpt.features(tokens, batch, time, context);
    }

    @Override
    public Tensor logitsFromFeatures(Tensor features) {
        // Gpt's forward is exactly features.linear(head, no bias), head = the tied embedding or lm_head.
        String head = gpt.config().tiedHead() ? "transformer.wte.weight" : "lm_head.weight";
        return features.linear(gpt.stateDict().get(head), null); // [..., V]
    }
}
