package dev.quire.api;

import java.util.List;

/**
 * One batch of alignment data: preference pairs for offline methods (DPO), prompts for online ones
 * (PPO, GRPO), which sample their own completions.
 */
@Experimental
public record AlignmentBatch(List<PreferencePair> preferences, List<int[]> prompts) {
    public AlignmentBatch {
        preferences = List.copyOf(preferences);
        prompts = List.copyOf(prompts);
    }
}
