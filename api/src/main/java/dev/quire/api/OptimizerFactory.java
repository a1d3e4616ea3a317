package dev.quire.api;

import java.util.List;

/** The component of kind {@link ComponentKind#OPTIMIZER}: an optimizer configured by its options. */
public interface OptimizerFactory {

    /**
     * Creates an optimizer over the given groups.
     *
     * @throws IllegalArgumentException if a parameter appears twice or a group override is unknown
     */
    Optimizer create(List<ParameterGroup> groups);
}
