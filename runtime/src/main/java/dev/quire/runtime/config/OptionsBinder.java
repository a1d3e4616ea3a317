package dev.quire.runtime.config;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.runtime.config.ConfigNode.ConfigMap;
import dev.quire.runtime.discovery.ComponentCatalog;
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
import java.util.Optional;
import java.util.ServiceLoader;
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
 *
 * <p>A reserved key that is also a component of the record is not bound here: the component takes the
 * default options' value, and the caller binds the key itself (the pipeline parser binds a stage's
 * {@link ComponentChoice} options, such as the {@code align} stage's {@code method}, as component blocks and
 * puts them in with {@link #replace}).
 *
 * <p>A {@link ComponentChoice} component is read in the form {@link Json} writes it, {@code {role,
 * descriptor: {kind, id, ...}, options: {...}}}: this is how a checkpoint records a stage's options. Its
 * options are bound to the options record of the component found under the descriptor's kind and id (in the
 * catalog given, else among the built-in providers); when it is not found, or its options no longer bind,
 * the choice is skipped: the component takes the default options' value (for the {@code align} stage's
 * {@code method}, null). A stage's options in a checkpoint are provenance only, so a checkpoint made with a
 * plugin's component still loads without the plugin.
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
        return bind(map, reserved, type, defaults, what, baseDir, null);
    }

    /**
     * Binds {@code map} to a new {@code type}, resolving recorded {@link ComponentChoice} components in
     * {@code catalog}.
     *
     * @param catalog where the components of recorded {@link ComponentChoice} options are found; null for the
     *                built-in providers
     * @see #bind(ConfigMap, Set, Class, Record, String, Path)
     */
    public static <R extends Record> R bind(ConfigMap map, Set<String> reserved, Class<R> type, R defaults,
                                            String what, Path baseDir, ComponentCatalog catalog) {
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
            Object fallback = defaults == null ? null : read(component, defaults, map.node(), what);
            if (reserved.contains(component.getName())) {
                values[i] = fallback; // bound by the caller
            } else if (node.isPresent()) {
                values[i] = convert(node.get(), component.getGenericType(), fallback, what, baseDir, catalog);
            } else if (defaults != null) {
                values[i] = fallback;
            } else {
                throw map.node().error("missing key '" + component.getName() + "' for " + what
                        + " (it has no default)");
            }
        }
        return construct(map.node(), type, types, values, what);
    }

    /**
     * A copy of {@code record} with the named components replaced, built through its canonical constructor
     * (which validates the whole; its {@link IllegalArgumentException} becomes a {@link ConfigException} at
     * {@code at}).
     *
     * @param replacements values by component name; every name must be a component of the record
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R replace(ConfigNode at, R record, java.util.Map<String, ?> replacements,
                                               String what) {
        Class<R> type = (Class<R>) record.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        var unused = new LinkedHashSet<String>(replacements.keySet());
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            String name = components[i].getName();
            values[i] = replacements.containsKey(name) ? replacements.get(name)
                    : read(components[i], record, at, what);
            unused.remove(name);
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no components " + unused);
        }
        return construct(at, type, types, values, what);
    }

    private static Object read(RecordComponent component, Record from, ConfigNode at, String what) {
        try {
            return component.getAccessor().invoke(from);
        } catch (IllegalAccessException e) {
            throw at.error("the options of " + what + " (" + from.getClass().getName()
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
    static Object convert(ConfigNode node, Type type, Object fallback, String what, Path baseDir,
                          ComponentCatalog catalog) {
        if (type instanceof ParameterizedType parameterized) {
            if (parameterized.getRawType() == List.class) {
                Type element = parameterized.getActualTypeArguments()[0];
                var items = new ArrayList<Object>();
                for (ConfigNode item : node.sequence("a list")) {
                    Object value = convert(item, element, null, what, baseDir, catalog);
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
                java.lang.reflect.Array.set(array, i, convert(items.get(i), cls.getComponentType(), null, what, baseDir, catalog));
            }
            return array;
        }
        if (cls == ComponentChoice.class) {
            return recordedChoice(node, (ComponentChoice) fallback, what, baseDir, catalog);
        }
        if (cls.isRecord()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object nested = bind(node.mapping("a mapping of " + cls.getSimpleName() + " options"), Set.of(),
                    (Class) cls, (Record) fallback, what, baseDir, catalog);
            return nested;
        }
        throw node.error("options of type " + cls.getName() + " cannot be set from a pipeline file");
    }

    /**
     * A component choice in the form {@link Json} writes it ({@code {role, descriptor, options}}), its options
     * bound to the options record of its provider; {@code fallback} when the provider is not found or the
     * options do not bind (see the class comment).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ComponentChoice recordedChoice(ConfigNode node, ComponentChoice fallback, String what,
                                                  Path baseDir, ComponentCatalog catalog) {
        try {
            ConfigMap map = node.mapping("a component: {role, descriptor: {kind, id, ...}, options: {...}}");
            String role = map.require("role", "where the component was chosen").asString();
            ComponentDescriptor descriptor = bind(map.require("descriptor", "the component's kind and id")
                    .mapping("a component descriptor"), Set.of(), ComponentDescriptor.class, null, what, baseDir);
            Optional<ComponentProvider<?, ?>> provider = catalog != null
                    ? catalog.find(descriptor.kind(), descriptor.id()).map(e -> (ComponentProvider<?, ?>) e.provider())
                    : builtIn(descriptor.kind(), descriptor.id());
            if (provider.isEmpty()) {
                return fallback;
            }
            Optional<ConfigNode> optionsNode = map.get("options");
            Record options = optionsNode.isEmpty() || optionsNode.get().isNull() ? provider.get().defaultOptions()
                    : bind(optionsNode.get().mapping("a mapping of options"), Set.of(),
                    (Class) provider.get().optionsType(), provider.get().defaultOptions(),
                    descriptor.kind().configName() + " '" + descriptor.id() + "'", baseDir, catalog);
            return new ComponentChoice(role, descriptor, options);
        } catch (RuntimeException e) {
            return fallback; // skipped: provenance only
        }
    }

    /** The built-in provider of that kind and id, found the way the runtime finds built-in modules. */
    private static Optional<ComponentProvider<?, ?>> builtIn(ComponentKind kind, String id) {
        for (ComponentProvider<?, ?> provider : ServiceLoader.load(ComponentProvider.class)) {
            if (provider.kind() == kind && id.equals(provider.id())) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
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
