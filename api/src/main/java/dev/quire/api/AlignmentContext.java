package dev.quire.api;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What an alignment method works with.
 *
 * @param policy      the model being optimized
 * @param reference   a frozen copy of the starting policy (KL anchor, DPO reference)
 * @param optimizer   the optimizer over the policy's trainable parameters (and the method's own heads)
 * @param reward      scores a full token sequence (prompt followed by completion); null for methods
 *                    that learn from preferences only (DPO)
 * @param training    random source and step
 */
@Experimental
public record AlignmentContext(LanguageModel policy, LanguageModel reference, Optimizer optimizer,
                               ToDoubleFunction<int[]> reward, TrainingContext training) {
}
