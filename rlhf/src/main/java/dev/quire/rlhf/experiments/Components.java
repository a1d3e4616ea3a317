package dev.quire.rlhf.experiments;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Components found the way the runtime finds them (ServiceLoader), with some default options changed by name. */
public final class Components {

    private Components() {
    }

    /**
     * Creates the component {@code kind:id}, its default options changed by {@code changes} ({@code "lr" -> 1e-3}).
     *
     * @throws IllegalStateException if no provider has that kind and id, listing those found
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

    private static Record withChanges(Record options, Map<String, Object> changes) {
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
