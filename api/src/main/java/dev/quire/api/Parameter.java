package dev.quire.api;

import dev.quire.tensor.Tensor;
import java.util.Objects;

/**
 * A trainable tensor and its stable, dotted name ({@code blocks.0.attn.qkv.weight}). Names key
 * optimizer state and checkpoints, and parameter-group rules match them.
 *
 * @param name  unique within a model, dotted path
 * @param value the tensor, a leaf that requires grad
 */
public record Parameter(String name, Tensor value) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be blank");
        }
    }
}
