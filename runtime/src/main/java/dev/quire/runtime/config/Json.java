package dev.quire.runtime.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Compact JSON for metrics lines, provenance and the bench result, written by {@link dev.quire.json.Json}
 * (maps, lists, arrays, strings, numbers with non-finite ones as {@code null}, booleans), plus what only
 * the runtime writes: records (by component name), enums (lower-case), paths and anything else (by
 * {@code toString()}). Records are read here, not in {@code dev.quire.json}, because the options records
 * it writes need not be public or in packages open to that module. JSON is YAML, so the runtime reads
 * it back with the same strict binder.
 */
public final class Json {

    private Json() {
    }

    /** The compact JSON text of {@code value}. */
    public static String write(Object value) {
        return dev.quire.json.Json.write(value, Json::adapt);
    }

    private static Object adapt(Object value) {
        return switch (value) {
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case Record record -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    try {
                        fields.put(component.getName(), component.getAccessor().invoke(record));
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IllegalStateException("cannot read " + component, e);
                    }
                }
                yield fields;
            }
            default -> value.toString(); // paths, and anything else
        };
    }
}
