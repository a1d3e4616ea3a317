package dev.quire.runtime.discovery;

import dev.quire.api.ComponentKind;
import java.util.Objects;

/**
 * A component's identity within one run: its kind and id.
 *
 * @param kind the kind
 * @param id   the id, unique within the kind
 */
public record ComponentKey(ComponentKind kind, String id) implements Comparable<ComponentKey> {
    public ComponentKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public int compareTo(ComponentKey other) {
        int byKind = kind.compareTo(other.kind);
        return byKind != 0 ? byKind : id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return kind.configName() + " '" + id + "'";
    }
}
