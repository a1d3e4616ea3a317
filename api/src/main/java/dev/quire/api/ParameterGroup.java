package dev.quire.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters that share hyper-parameters, as in {@code torch.optim}: for example every matrix with
 * weight decay 0.1 in one group, biases and norms with weight decay 0 in another.
 *
 * @param name       a label for logs and saved state ({@code "decay"}, {@code "no_decay"})
 * @param parameters the parameters of the group, in a fixed order
 * @param overrides  hyper-parameters that replace the optimizer's defaults for this group, by the
 *                   option name of the optimizer ({@code "weightDecay" -> 0.0}, {@code "lr" -> 1e-4});
 *                   an optimizer rejects names it does not know with {@link IllegalArgumentException};
 *                   only numeric options can differ between groups
 */
public record ParameterGroup(String name, List<Parameter> parameters, Map<String, Double> overrides) {

    /** The override key every built-in optimizer reads as this group's weight decay. */
    public static final String WEIGHT_DECAY = "weightDecay";
    /** The override key every built-in optimizer reads as this group's learning rate. */
    public static final String LEARNING_RATE = "lr";

    public ParameterGroup {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
        overrides = Map.copyOf(overrides);
    }

    /** A group with the optimizer's default hyper-parameters. */
    public static ParameterGroup of(String name, List<Parameter> parameters) {
        return new ParameterGroup(name, parameters, Map.of());
    }
}
