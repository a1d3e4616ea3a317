package dev.quire.api;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Components found through {@link ServiceLoader} on the module or class path, without the runtime's
 * discovery, plugins or configuration files: for experiments, benchmarks and tests that want, say, the
 * {@code adamw} optimizer with one option changed, without compiling against the provider's classes.
 */
public final class ServiceComponents {

    private ServiceComponents() {
    }

    /** The component {@code kind:id} with its provider's default options. */
    public static <T> T create(ComponentKind kind, String id, Class<T> type) {
        return create(kind, id, type, Map.of());
    }

    /**
     * The component {@code kind:id}, its provider's default options changed by name
     * ({@code "lr" -> 1e-3}).
     *
     * @throws IllegalStateException if no provider has that kind and id (the message lists those found)
     * @throws IllegalArgumentException if the options have no component of one of the changed names
     */
    public static <T> T create(ComponentKind kind, String id, Class<T> type, Map<String, Object> changes) {
        List<String> found = new ArrayList<>();
        for (ComponentProvider<?, ?> provider : ServiceLoader.load(ComponentProvider.class)) {
            found.add(provider.kind().configName() + ":" + provider.id());
            if (provider.kind() == kind && provider.id().equals(id)) {
                return type.cast(provider.createUnchecked(withChanges(provider.defaultOptions(), changes)));
            }
        }
        throw new IllegalStateException("no provider " + kind.configName() + ":" + id + " among " + found);
    }

    /** A copy of {@code options} with some components replaced by name, through the canonical constructor. */
    public static Record withChanges(Record options, Map<String, Object> changes) {
        try {
            RecordComponent[] components = options.getClass().getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            int used = 0;
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                if (changes.containsKey(components[i].getName())) {
                    values[i] = changes.get(components[i].getName());
                    used++;
                } else {
                    values[i] = components[i].getAccessor().invoke(options);
                }
            }
            if (used != changes.size()) {
                throw new IllegalArgumentException("options " + options + " lack some of " + changes.keySet());
            }
            return (Record) options.getClass().getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
