package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * A policy as alignment methods see it: a {@link LanguageModel} whose final hidden states can also be read,
 * so a method can put its own head on them (PPO's value head) without running the network twice.
 * {@code logitsFromFeatures(features(x))} must equal {@code logits(x)}.
 */
@Experimental
public interface AlignmentModel extends LanguageModel {

    /** The width {@code C} of {@link #features}. */
    int width();

    /**
     * The final hidden states, before the vocabulary head.
     *
     * @return {@code [batch, time, width]}
     */
    Tensor features(int[] tokens, int batch, int time, TrainingContext context);

    /**
     * Applies the vocabulary head to hidden states from {@link #features}.
     *
     * @param features {@code [..., width]}
     * @return {@code [..., vocabSize]}
     */
    Tensor logitsFromFeatures(Tensor features);
}
