package dev.quire.runtime.pipeline;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentRegistry;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.ComponentKey;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The {@link ComponentRegistry} of a run, over the Guice map binding from (kind, id) to provider. */
final class GuiceComponentRegistry implements ComponentRegistry {

    private final Map<ComponentKey, ComponentEntry> entries;

    @Inject
    GuiceComponentRegistry(Map<ComponentKey, ComponentEntry> entries) {
        this.entries = new TreeMap<>(entries);
    }

    @Override
    public List<ComponentDescriptor> descriptors() {
        return entries.values().stream().map(ComponentEntry::descriptor).toList();
    }

    @Override
    public <T> T create(ComponentKind kind, String id, Class<T> type) {
        ComponentEntry entry = require(kind, id);
        return type.cast(entry.create(entry.defaultOptions()));
    }

    @Override
    public <T> T create(ComponentKind kind, String id, Record options, Class<T> type) {
        return type.cast(require(kind, id).create(options));
    }

    private ComponentEntry require(ComponentKind kind, String id) {
        ComponentEntry entry = entries.get(new ComponentKey(kind, id));
        if (entry == null) {
            throw new IllegalArgumentException("unknown " + kind.configName() + " '" + id + "'; available: "
                    + entries.values().stream().filter(e -> e.descriptor().kind() == kind)
                    .map(e -> e.descriptor().id() + " (" + e.descriptor().origin() + ")")
                    .collect(Collectors.joining(", ")));
        }
        return entry;
    }
}
