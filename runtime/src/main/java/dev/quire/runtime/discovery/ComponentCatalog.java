package dev.quire.runtime.discovery;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every component found in one run, by kind and id, with where each came from. Also the
 * {@link ComponentRegistry} that stages use to create components.
 */
public final class ComponentCatalog implements ComponentRegistry {

    private final Map<ComponentKey, ComponentEntry> entries;

    /**
     * @throws PluginException if two entries share kind and id; the message names both origins
     */
    public ComponentCatalog(Collection<ComponentEntry> found) {
        var byKey = new TreeMap<ComponentKey, ComponentEntry>();
        for (ComponentEntry entry : found) {
            ComponentEntry previous = byKey.putIfAbsent(entry.key(), entry);
            if (previous != null) {
                throw new PluginException("two components are both " + entry.key() + ": one from "
                        + previous.descriptor().origin() + ", one from " + entry.descriptor().origin()
                        + ". Ids must be unique within a kind; remove or rename one of them.");
            }
        }
        this.entries = Collections.unmodifiableMap(byKey);
    }

    /** All entries, ordered by kind then id. */
    public Map<ComponentKey, ComponentEntry> entries() {
        return entries;
    }

    /** The entry of that kind and id, if found. */
    public Optional<ComponentEntry> find(ComponentKind kind, String id) {
        return Optional.ofNullable(entries.get(new ComponentKey(kind, id)));
    }

    /** The entry of that kind and id, or an {@link IllegalArgumentException} listing those that exist. */
    public ComponentEntry require(ComponentKind kind, String id) {
        return find(kind, id).orElseThrow(() -> new IllegalArgumentException("unknown " + kind.configName()
                + " '" + id + "'. " + choices(kind)));
    }

    /** Entries of one kind, by id. */
    public List<ComponentEntry> ofKind(ComponentKind kind) {
        return entries.values().stream().filter(e -> e.descriptor().kind() == kind).toList();
    }

    /**
     * A sentence listing the ids of a kind and their origins:
     * {@code "Available optimizers: adam (module dev.quire.optim.adam), ..."}.
     */
    public String choices(ComponentKind kind) {
        var list = ofKind(kind);
        if (list.isEmpty()) {
            return "No " + kind.configName() + " components were found (none built in, none in a plugin).";
        }
        return "Available " + kind.configName() + " ids: " + list.stream()
                .map(e -> e.descriptor().id() + " (" + e.descriptor().origin() + ")")
                .collect(Collectors.joining(", ")) + ".";
    }

    @Override
    public List<ComponentDescriptor> descriptors() {
        return new ArrayList<>(entries.values().stream().map(ComponentEntry::descriptor).toList());
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
}
