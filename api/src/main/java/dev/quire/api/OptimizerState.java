package dev.quire.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an optimizer needs to continue exactly where it stopped: buffers per parameter
 * (keyed {@code parameterName + "." + bufferName}, e.g. {@code "blocks.0.mlp.fc.weight.exp_avg"})
 * and scalars (step counts, keyed likewise, and the current learning rate).
 *
 * @param optimizerId the id of the optimizer that wrote it; loading into another is refused
 * @param buffers     float32 buffers, each as long as its parameter; copied on construction
 * @param scalars     scalar state
 */
public record OptimizerState(String optimizerId, Map<String, float[]> buffers, Map<String, Double> scalars) {
    public OptimizerState {
        var copy = new LinkedHashMap<String, float[]>();
        buffers.forEach((k, v) -> copy.put(k, v.clone()));
        buffers = java.util.Collections.unmodifiableMap(copy);
        scalars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
    }
}
