package dev.quire.api;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * Scores completions for online alignment (PPO, GRPO): a reward model, or a programmatic reward. Scoring
 * takes a whole batch, so a reward model runs one forward pass for it.
 */
@Experimental
@FunctionalInterface
public interface AlignmentReward {

    /**
     * @param prompts     token ids of each prompt
     * @param completions token ids of each completion (same count as prompts), without the prompt
     * @return one scalar reward per completion, higher is better
     */
    double[] score(List<int[]> prompts, List<int[]> completions);

    /** A reward computed for each (prompt, completion) on its own. */
    static AlignmentReward of(ToDoubleBiFunction<int[], int[]> reward) {
        return (prompts, completions) -> {
            double[] scores = new double[prompts.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = reward.applyAsDouble(prompts.get(i), completions.get(i));
            }
            return scores;
        };
    }
}
