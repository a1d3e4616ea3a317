package dev.quire.runtime.checkpoint;

import dev.quire.runtime.checkpoint.proto.Header;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint in memory: its header (format version, model configuration, tokenizer, component
 * provenance, step, random-generator and optimizer scalars) and its tensors by name, in file order.
 *
 * @param header  the header message
 * @param tensors tensors by name
 */
public record Checkpoint(Header header, Map<String, StoredTensor> tensors) {
    public Checkpoint {
        Objects.requireNonNull(header, "header");
        var copy = new LinkedHashMap<String, StoredTensor>();
        for (var entry : tensors.entrySet()) {
            if (!entry.getKey().equals(entry.getValue().name())) {
                throw new IllegalArgumentException("tensor stored under " + entry.getKey() + " is named "
                        + entry.getValue().name());
            }
            copy.put(entry.getKey(), entry.getValue());
        }
        tensors = Collections.unmodifiableMap(copy);
    }

    /** Tensors whose names start with {@code prefix}, with the prefix removed, as raw arrays. */
    public Map<String, float[]> arrays(String prefix) {
        var out = new LinkedHashMap<String, float[]>();
        tensors.forEach((name, tensor) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), tensor.data());
            }
        });
        return out;
    }
}
