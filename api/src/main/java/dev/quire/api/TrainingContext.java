package dev.quire.api;

import java.util.random.RandomGenerator;

/**
 * What a component may know about the step it runs in.
 *
 * @param training whether this is a training forward pass (false in evaluation and generation)
 * @param step     the optimizer step being computed
 * @param random   the run's random source for this step (dropout masks); deterministic under a seed
 */
public record TrainingContext(boolean training, long step, RandomGenerator random) {
}
