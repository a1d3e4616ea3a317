package dev.quire.optim.sgd;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rules shared by every optimizer of this module about parameter groups: which override keys exist,
 * that no parameter is optimized twice, and how a group's learning rate follows the base rate.
 *
 * <p>(optim-adam has an identical copy: the two modules depend on {@code api} only, not on each other.)
 */
final class GroupOverrides {

    private GroupOverrides() {
    }

    /**
     * Checks that every key of every group's overrides is one of {@code numericOptions}.
     *
     * @param optimizerId    for messages
     * @param numericOptions the options a group may override, in the order of the options record
     * @param flagOptions    the other options of the record, which apply to the whole optimizer
     * @throws IllegalArgumentException naming the group, the key and the keys allowed
     */
    static void requireKnownKeys(String optimizerId, List<ParameterGroup> groups, List<String> numericOptions,
                                 List<String> flagOptions) {
        for (ParameterGroup group : groups) {
            // Sorted so that the message is the same on every run.
            for (String key : new TreeSet<>(group.overrides().keySet())) {
                if (numericOptions.contains(key)) {
                    continue;
                }
                String allowed = String.join(", ", numericOptions);
                if (flagOptions.contains(key)) {
                    throw new IllegalArgumentException("parameter group '" + group.name() + "' cannot override " + optimizerId
                            + " option '" + key + "': it holds for the whole optimizer; a group may override: " + allowed);
                }
                throw new IllegalArgumentException("parameter group '" + group.name() + "' overrides unknown " + optimizerId
                        + " option '" + key + "'; a group may override: " + allowed);
            }
        }
    }

    /**
     * The parameters of all groups by name, in group order.
     *
     * @throws IllegalArgumentException if a name, or a tensor, appears twice: state is keyed by name,
     *         and a tensor listed twice would be updated twice per step
     */
    static Map<String, Parameter> parametersByName(List<ParameterGroup> groups) {
        var byName = new LinkedHashMap<String, Parameter>();
        var groupOfName = new HashMap<String, String>();
        var nameOfTensor = new IdentityHashMap<Object, String>();
        for (ParameterGroup group : groups) {
            for (Parameter p : group.parameters()) {
                String earlierGroup = groupOfName.putIfAbsent(p.name(), group.name());
                if (earlierGroup != null) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' appears twice (in group '" + earlierGroup
                            + "' and in group '" + group.name() + "')");
                }
                String earlierName = nameOfTensor.putIfAbsent(p.value(), p.name());
                if (earlierName != null) {
                    throw new IllegalArgumentException("parameters '" + earlierName + "' and '" + p.name()
                            + "' are the same tensor; each tensor may be optimized once");
                }
                byName.put(p.name(), p);
            }
        }
        return byName;
    }

    /**
     * The learning rate of a group for the next step.
     *
     * <p>The rule: a group without an {@code lr} override uses the base rate. A group with one uses
     * its own rate, moved by the same factor as the base rate has been moved from the configured
     * {@code lr} (by a schedule or {@code setLearningRate}); this is what PyTorch's schedulers do
     * to every group's {@code initial_lr}. When the configured {@code lr} is 0 there is no factor,
     * and the group's rate is used as written.
     *
     * @param baseRate       the current base rate ({@code Optimizer.learningRate()})
     * @param configuredRate the {@code lr} option of the optimizer
     * @param group          the group
     */
    static double groupLearningRate(double baseRate, double configuredRate, ParameterGroup group) {
        Double own = group.overrides().get("lr");
        if (own == null) {
            return baseRate;
        }
        if (baseRate == configuredRate || configuredRate == 0) {
            return own;  // no schedule has moved the rate (or cannot): the group's rate as written
        }
        return own * (baseRate / configuredRate);
    }
}
