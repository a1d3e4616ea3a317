package dev.quire.runtime.config;

import dev.quire.runtime.config.ConfigNode.ConfigMap;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds a mapping of a pipeline file to an options record, strictly.
 *
 * <p>Keys are the record's component names. Supported component types: {@code boolean, int, long,
 * float, double} (and their boxes), {@code String}, enums (matched ignoring case, {@code -} and
 * {@code _} alike), {@link Path} (resolved against the pipeline file's directory), primitive arrays
 * and {@code List}s of supported types, and nested records (a nested mapping). A key the file leaves
 * out takes the value from the default options; the record's canonical constructor then validates
 * the whole, and its {@link IllegalArgumentException} becomes a {@link ConfigException} at the block.
 */
public final class OptionsBinder {

    private OptionsBinder() {
    }

    /**
     * Binds {@code map} to a new {@code type}.
     *
     * @param map      the block
     * @param reserved keys of the block that are not options (for example {@code id}); allowed, skipped
     * @param type     the options record
     * @param defaults values for keys the block leaves out; may be null, then every key is required
     * @param what     the block in words for messages, e.g. {@code "optimizer 'adamw'"}
     * @param baseDir  directory relative paths are resolved against
     */
    public static <R extends Record> R bind(ConfigMap map, Set<String> reserved, Class<R> type, R defaults,
                                            String what, Path baseDir) {
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            throw map.node().error(what + " has options of type " + type.getName() + ", which is not a record");
        }
        var allowed = new LinkedHashSet<String>(reserved);
        for (RecordComponent component : components) {
            allowed.add(component.getName());
        }
        map.checkKeys(allowed, "for " + what);
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            var node = map.get(component.getName());
            Object fallback = defaults == null ? null : read(component, defaults, map, what);
            if (node.isPresent()) {
                values[i] = convert(node.get(), component.getGenericType(), fallback, what, baseDir);
            } else if (defaults != null) {
                values[i] = fallback;
            } else {
                throw map.node().error("missing key '" + component.getName() + "' for " + what
                        + " (it has no default)");
            }
        }
        return construct(map.node(), type, types, values, what);
    }

    private static Object read(RecordComponent component, Record from, ConfigMap map, String what) {
        try {
            return component.getAccessor().invoke(from);
        } catch (IllegalAccessException e) {
            throw map.node().error("the options of " + what + " (" + from.getClass().getName()
                    + ") are not accessible to the runtime: its package must be exported", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("accessor " + component + " failed", e.getCause());
        }
    }

    private static <R> R construct(ConfigNode at, Class<R> type, Class<?>[] types, Object[] values, String what) {
        Constructor<R> constructor;
        try {
            constructor = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw at.error("invalid options for " + what + ": " + message, cause);
        } catch (IllegalAccessException e) {
            throw at.error("the options record of " + what + " (" + type.getName()
                    + ") is not accessible to the runtime: its package must be exported", e);
        } catch (InstantiationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Converts one node to {@code type}. */
    static Object convert(ConfigNode node, Type type, Object fallback, String what, Path baseDir) {
        if (type instanceof ParameterizedType parameterized) {
            if (parameterized.getRawType() == List.class) {
                Type element = parameterized.getActualTypeArguments()[0];
                var items = new ArrayList<Object>();
                for (ConfigNode item : node.sequence("a list")) {
                    Object value = convert(item, element, null, what, baseDir);
                    if (value == null) {
                        throw item.error("list elements must not be null");
                    }
                    items.add(value);
                }
                return List.copyOf(items);
            }
            throw node.error("options of type " + type.getTypeName() + " cannot be set from a pipeline file");
        }
        if (!(type instanceof Class<?> cls)) {
            throw node.error("options of type " + type.getTypeName() + " cannot be set from a pipeline file");
        }
        if (node.isNull()) {
            if (cls.isPrimitive()) {
                throw node.error("expected " + expectation(cls) + ", found nothing (null)");
            }
            return null;
        }
        if (cls == boolean.class || cls == Boolean.class) {
            return node.asBoolean();
        }
        if (cls == int.class || cls == Integer.class) {
            return node.asInt();
        }
        if (cls == long.class || cls == Long.class) {
            return node.asLong();
        }
        if (cls == double.class || cls == Double.class) {
            return node.asDouble();
        }
        if (cls == float.class || cls == Float.class) {
            return node.asFloat();
        }
        if (cls == String.class) {
            return node.asString();
        }
        if (cls == Path.class) {
            return node.asPath(baseDir);
        }
        if (cls.isEnum()) {
            Object[] constants = cls.getEnumConstants();
            var names = Arrays.stream(constants).map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT)).toList();
            String chosen = node.asChoice(names);
            return constants[names.indexOf(chosen)];
        }
        if (cls.isArray() && cls.getComponentType().isPrimitive()) {
            List<ConfigNode> items = node.sequence("a list of " + expectation(cls.getComponentType()) + "s");
            Object array = java.lang.reflect.Array.newInstance(cls.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                java.lang.reflect.Array.set(array, i, convert(items.get(i), cls.getComponentType(), null, what, baseDir));
            }
            return array;
        }
        if (cls.isRecord()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object nested = bind(node.mapping("a mapping of " + cls.getSimpleName() + " options"), Set.of(),
                    (Class) cls, (Record) fallback, what, baseDir);
            return nested;
        }
        throw node.error("options of type " + cls.getName() + " cannot be set from a pipeline file");
    }

    private static String expectation(Class<?> cls) {
        if (cls == boolean.class) {
            return "true or false";
        }
        if (cls == int.class || cls == long.class) {
            return "an integer";
        }
        return "a number";
    }
}
