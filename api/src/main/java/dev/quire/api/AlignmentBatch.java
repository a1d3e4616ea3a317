package dev.quire.api;

import java.util.List;

/**
 * One batch of alignment data: preference pairs for offline methods (DPO), prompts for online ones
 * (PPO, GRPO), which sample their own completions. A method reads the part it needs and rejects a batch
 * where that part is empty.
 *
 * @param preferences preference pairs (token ids)
 * @param prompts     prompts (token ids), each at least one token
 */
@Experimental
public record AlignmentBatch(List<PreferencePair> preferences, List<int[]> prompts) {
    public AlignmentBatch {
        preferences = List.copyOf(preferences);
        prompts = List.copyOf(prompts);
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("alignment batch: prompt " + i + " is empty");
            }
        }
    }

    /** A batch of preference pairs only (DPO). */
    public static AlignmentBatch ofPreferences(List<PreferencePair> preferences) {
        return new AlignmentBatch(preferences, List.of());
    }

    /** A batch of prompts only (PPO, GRPO). */
    public static AlignmentBatch ofPrompts(List<int[]> prompts) {
        return new AlignmentBatch(List.of(), prompts);
    }
}
