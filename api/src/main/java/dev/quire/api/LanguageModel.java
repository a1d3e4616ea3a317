package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * A causal language model as seen by components outside the {@code model} module (alignment
 * methods, evaluators): token ids in, next-token logits out.
 */
public interface LanguageModel extends ParameterSource {

    /** Size of the output distribution. */
    int vocabSize();

    /** The longest sequence {@link #logits} accepts. */
    int contextLength();

    /**
     * Next-token logits for every position.
     *
     * @param tokens  row-major token ids {@code [batch, time]}
     * @param batch   number of sequences
     * @param time    length of each sequence, at most {@link #contextLength()}
     * @param context whether this is a training pass (dropout on) and its random source
     * @return {@code [batch, time, vocabSize]}, carrying autograd history when grad is enabled
     */
    Tensor logits(int[] tokens, int batch, int time, TrainingContext context);
}
