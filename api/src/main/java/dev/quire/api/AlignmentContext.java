package dev.quire.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * What an alignment method works with.
 *
 * @param policy       the model being optimized
 * @param reference    a frozen copy of the starting policy (KL anchor, DPO reference); never updated. It must have
 *                     the policy's parameters, by name and shape
 * @param policyGroups the policy's trainable parameters in optimizer groups (frozen ones left out)
 * @param optimizer    builds the run's optimizer over {@code policyGroups} and the method's own parameters
 * @param reward       scores completions; null for methods that learn from preferences only (DPO)
 * @param random       the run's random source (sampling, shuffling); deterministic under a seed
 * @throws IllegalArgumentException naming the first parameter the reference lacks, has with another shape, or shares
 *                                  with the policy (the same tensor)
 */
@Experimental
public record AlignmentContext(AlignmentModel policy, LanguageModel reference, List<ParameterGroup> policyGroups,
                               OptimizerFactory optimizer, AlignmentReward reward, RandomGenerator random) {

    public AlignmentContext {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(random, "random");
        policyGroups = List.copyOf(policyGroups);
        checkSameShapes(policy, reference);
        // A reference that shares its tensors with the policy would move with it: no KL anchor at all.
        for (int i = 0; i < policy.parameters().size(); i++) {
            Parameter p = policy.parameters().get(i);
            for (Parameter r : reference.parameters()) {
                if (r.value() == p.value()) {
                    throw new IllegalArgumentException("alignment: the reference shares parameter " + p.name()
                            + " with the policy; it must be a separate, frozen copy (load the checkpoint twice)");
                }
            }
        }
    }

    /**
     * Checks that {@code reference} has exactly the parameters of {@code policy}, by name and shape.
     *
     * @throws IllegalArgumentException naming the first mismatched parameter and both shapes
     */
    public static void checkSameShapes(ParameterSource policy, ParameterSource reference) {
        Map<String, int[]> referenceShapes = new TreeMap<>();
        for (Parameter p : reference.parameters()) {
            referenceShapes.put(p.name(), p.value().shape());
        }
        for (Parameter p : policy.parameters()) {
            int[] shape = referenceShapes.remove(p.name());
            if (shape == null) {
                throw new IllegalArgumentException("alignment: the reference model has no parameter " + p.name()
                        + " (policy shape " + Arrays.toString(p.value().shape()) + ")");
            }
            if (!Arrays.equals(shape, p.value().shape())) {
                throw new IllegalArgumentException("alignment: reference parameter " + p.name() + " has shape "
                        + Arrays.toString(shape) + " but the policy's has " + Arrays.toString(p.value().shape()));
            }
        }
        if (!referenceShapes.isEmpty()) {
            throw new IllegalArgumentException("alignment: the reference model has parameter "
                    + referenceShapes.keySet().iterator().next() + " that the policy lacks");
        }
    }
}
