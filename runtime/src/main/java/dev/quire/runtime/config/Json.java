package dev.quire.runtime.config;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * A small JSON writer for metrics lines, provenance and the bench result: maps, lists, records
 * (by component name), strings, numbers (non-finite ones as {@code null}), booleans, enums
 * (lower-case), paths. JSON is YAML, so the runtime reads it back with the same strict binder.
 */
public final class Json {

    private Json() {
    }

    /** The compact JSON text of {@code value}. */
    public static String write(Object value) {
        var out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Boolean b -> out.append(b);
            case Double d -> number(out, d);
            case Float f -> number(out, f.doubleValue());
            case Number n -> out.append(n);
            case Enum<?> e -> quote(out, e.name().toLowerCase(java.util.Locale.ROOT));
            case Path p -> quote(out, p.toString());
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (var entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(out, String.valueOf(entry.getKey()));
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, item);
                }
                out.append(']');
            }
            case Record record -> {
                out.append('{');
                boolean first = true;
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(out, component.getName());
                    out.append(':');
                    try {
                        write(out, component.getAccessor().invoke(record));
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IllegalStateException("cannot read " + component, e);
                    }
                }
                out.append('}');
            }
            default -> {
                if (value.getClass().isArray()) {
                    out.append('[');
                    for (int i = 0; i < Array.getLength(value); i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        write(out, Array.get(value, i));
                    }
                    out.append(']');
                } else {
                    quote(out, value.toString());
                }
            }
        }
    }

    private static void number(StringBuilder out, double d) {
        if (!Double.isFinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d).append(".0");
        } else {
            out.append(d);
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
