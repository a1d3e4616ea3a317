package dev.quire.model;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.PositionalEncoding;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Shared test helpers: fixture paths and components found the way the runtime finds them. */
final class Fixtures {

    private Fixtures() {
    }

    /** {@code ../shared}, as set by surefire. */
    static Path shared() {
        return Path.of(System.getProperty("quire.shared", "../../shared"));
    }

    static Path reference(String file) {
        return shared().resolve("reference").resolve(file);
    }

    /**
     * Creates the component of that kind and id through {@link ServiceLoader}, with the provider's default
     * options changed by name ({@code "lr" -> 1e-3}), without compiling against the provider's classes.
     */
    static <T> T create(ComponentKind kind, String id, Class<T> type, Map<String, Object> changes) {
        List<String> found = new ArrayList<>();
        for (ComponentProvider<?, ?> provider : ServiceLoader.load(ComponentProvider.class)) {
            found.add(provider.kind().configName() + ":" + provider.id());
            if (provider.kind() == kind && provider.id().equals(id)) {
                return type.cast(provider.createUnchecked(withChanges(provider.defaultOptions(), changes)));
            }
        }
        throw new IllegalStateException("no provider " + kind.configName() + ":" + id + " among " + found);
    }

    static <T> T create(ComponentKind kind, String id, Class<T> type) {
        return create(kind, id, type, Map.of());
    }

    /** A copy of {@code options} with some components replaced, through the canonical constructor. */
    static Record withChanges(Record options, Map<String, Object> changes) {
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

    static Attention attention() {
        return create(ComponentKind.ATTENTION, "standard", Attention.class);
    }

    static PositionalEncoding learned() {
        return create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class);
    }

    static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }
}
