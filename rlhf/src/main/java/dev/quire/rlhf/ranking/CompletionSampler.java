package dev.quire.rlhf.ranking;

import java.util.List;

/**
 * Draws the K completions a person ranks for one prompt. {@link ModelSampler} samples them from a model;
 * tests supply fixed ones.
 *
 * <p>An implementation should be deterministic in {@code (prompt, promptIndex)}, so that a resumed
 * session shows the same completions for a prompt as an interrupted one would have.
 */
@FunctionalInterface
public interface CompletionSampler {

    /**
     * @param prompt      the prompt
     * @param promptIndex its 0-based position in the prompts file (a seed for the draws)
     * @param k           how many completions, at least 2
     * @return {@code k} non-empty completions: the text after the prompt
     */
    List<String> sample(String prompt, int promptIndex, int k);
}
