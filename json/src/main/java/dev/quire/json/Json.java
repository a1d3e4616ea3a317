package dev.quire.json;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A strict JSON reader and a writer.
 *
 * <p>Reading gives plain Java values: objects as insertion-ordered {@link Map}s, arrays as
 * {@link List}s, integers as {@link Long} (as {@link Double} beyond its range), other numbers as
 * {@link Double}, {@code null} as Java {@code null}; wrapped in a {@link Node} that knows its JSON path.
 * A syntax error is an {@link IllegalArgumentException} naming the source, the line, the column and the
 * path being read ({@code t.json: invalid JSON at line 3, column 20 ($.model.vocab): expected a string key});
 * a {@link Node} accessor's error names the source and the path
 * ({@code t.json: $.model.merges[12]: expected an array, found a number 3}).
 *
 * <p>Writing keeps map order. The pretty form is {@code serde_json}'s (two-space indent,
 * {@code "key": value}, empty containers as {@code {}} and {@code []}); strings escape only {@code "},
 * {@code \}, control characters and lone surrogates; a {@link Double} that is a whole number below
 * 10<sup>16</sup> is written with {@code .0} ({@code 3.0}), other finite ones as {@link Double#toString},
 * non-finite ones as {@code null}; a {@link Float} is written as its {@code double} value.
 */
public final class Json {

    /** The deepest nesting {@link #parse} accepts. */
    public static final int MAX_DEPTH = 512;

    private Json() {
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /**
     * Parses one JSON document.
     *
     * @param source what the text is, for messages (a file name)
     * @throws IllegalArgumentException naming the source, line, column and JSON path of a syntax error
     */
    public static Node parse(String text, String source) {
        Reader r = new Reader(text, source);
        r.skipSpace();
        Object v = r.value(0);
        r.skipSpace();
        if (r.pos < text.length()) {
            throw r.error("unexpected text after the JSON value");
        }
        return new Node(v, "$", source);
    }

    private static final class Reader {
        private final String s;
        private final String source;
        private int pos;
        /** Keys (String) and indices (int[1], updated in place) from the root to the value being read. */
        private final ArrayList<Object> path = new ArrayList<>();

        Reader(String s, String source) {
            this.s = s;
            this.source = source;
        }

        IllegalArgumentException error(String what) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            StringBuilder p = new StringBuilder("$");
            for (Object o : path) {
                if (o instanceof String k) {
                    appendKey(p, k);
                } else {
                    p.append('[').append(((int[]) o)[0]).append(']');
                }
            }
            return new IllegalArgumentException(source + ": invalid JSON at line " + line + ", column " + col
                    + " (" + p + "): " + what);
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "', expected a value");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            if (peek('}')) {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (!peek('"')) {
                    throw error("expected a string key");
                }
                String key = string();
                skipSpace();
                path.add(key);
                if (!peek(':')) {
                    throw error("expected ':' after the key");
                }
                pos++;
                skipSpace();
                if (m.containsKey(key)) {
                    throw error("duplicate key \"" + key + "\"");
                }
                m.put(key, value(depth + 1));
                path.removeLast();
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unterminated object, expected ',' or '}'");
                }
                char c = s.charAt(pos);
                if (c != ',' && c != '}') {
                    throw error("expected ',' or '}'");
                }
                pos++;
                if (c == '}') {
                    return m;
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peek(']')) {
                pos++;
                return list;
            }
            int[] index = {0};
            path.add(index);
            while (true) {
                skipSpace();
                index[0] = list.size();
                list.add(value(depth + 1));
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unterminated array, expected ',' or ']'");
                }
                char c = s.charAt(pos);
                if (c != ',' && c != ']') {
                    throw error("expected ',' or ']'");
                }
                pos++;
                if (c == ']') {
                    path.removeLast();
                    return list;
                }
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("invalid literal, expected " + word);
            }
            pos += word.length();
            return v;
        }

        /** RFC 8259 numbers only: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
        private Object number() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            boolean ok = true;
            if (peek('0')) {
                pos++;
            } else {
                ok = digits();
            }
            boolean integral = true;
            if (ok && peek('.')) {
                pos++;
                integral = false;
                ok = digits();
            }
            if (ok && (peek('e') || peek('E'))) {
                pos++;
                integral = false;
                if (peek('+') || peek('-')) {
                    pos++;
                }
                ok = digits();
            }
            if (ok && integral) {
                try {
                    return Long.parseLong(s, start, pos, 10);
                } catch (NumberFormatException e) {
                    // beyond long: a double, as serde_json's arbitrary-precision-less reader does
                }
            }
            double d = ok ? Double.parseDouble(s.substring(start, pos)) : Double.NaN;
            if (!Double.isFinite(d)) {
                int end = pos;
                while (end < s.length() && "0123456789+-.eE".indexOf(s.charAt(end)) >= 0) {
                    end++;
                }
                String t = s.substring(start, end);
                pos = start;
                throw error(ok ? "number '" + t + "' is out of range" : "invalid number '" + t + "'");
            }
            return d;
        }

        private boolean digits() {
            int from = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            return pos > from;
        }

        private String string() {
            int start = ++pos; // past the opening quote
            while (pos < s.length()) { // fast path: no escapes
                char c = s.charAt(pos);
                if (c == '"') {
                    return s.substring(start, pos++);
                }
                if (c == '\\' || c < 0x20) {
                    break;
                }
                pos++;
            }
            StringBuilder b = new StringBuilder().append(s, start, pos);
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c < 0x20) {
                    throw error(String.format("control character U+%04X inside a string", (int) c));
                }
                pos++;
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = HEX.indexOf(Character.toLowerCase(s.charAt(pos + i)));
                            if (d < 0) {
                                throw error("invalid \\u escape");
                            }
                            v = v * 16 + d;
                        }
                        pos += 4;
                        b.append((char) v);
                    }
                    default -> {
                        pos--;
                        throw error("invalid escape '\\" + e + "'");
                    }
                }
            }
        }
    }

    private static final String HEX = "0123456789abcdef";

    /** Appends {@code .key}, or {@code ["key"]} when the key is not a plain identifier. */
    static void appendKey(StringBuilder p, String k) {
        boolean plain = !k.isEmpty();
        for (int i = 0; i < k.length() && plain; i++) {
            char c = k.charAt(i);
            plain = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
        }
        if (plain) {
            p.append('.').append(k);
        } else {
            p.append('[');
            quote(p, k);
            p.append(']');
        }
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /**
     * The compact JSON text of {@code value} (no spaces): {@link Map}s (keys by {@link String#valueOf}),
     * {@link Collection}s, arrays, strings, numbers, booleans, {@code null} and {@link Node}s.
     *
     * @throws IllegalArgumentException for any other type
     */
    public static String write(Object value) {
        return write(value, null);
    }

    /**
     * Like {@link #write(Object)}, turning a value of any other type (a record, an enum) into one it
     * can write with {@code adapter} first.
     */
    public static String write(Object value, Function<Object, ?> adapter) {
        Writer w = new Writer(false, adapter);
        w.value(value, 0);
        return w.out.toString();
    }

    /** The JSON text of {@code value} laid out as {@code serde_json}'s pretty printer does, without a final newline. */
    public static String writePretty(Object value) {
        Writer w = new Writer(true, null);
        w.value(value, 0);
        return w.out.toString();
    }

    private record Writer(StringBuilder out, boolean pretty, Function<Object, ?> adapter) {

        Writer(boolean pretty, Function<Object, ?> adapter) {
            this(new StringBuilder(), pretty, adapter);
        }

        void value(Object v, int level) {
            switch (v) {
                case null -> out.append("null");
                case String s -> quote(out, s);
                case Boolean b -> out.append(b);
                case Double d -> number(d);
                case Float f -> number(f.doubleValue());
                case Number n -> out.append(n);
                case Node n -> value(n.value(), level);
                case Map<?, ?> m -> {
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        out.append(first ? "" : ",");
                        first = false;
                        newline(level + 1);
                        quote(out, String.valueOf(e.getKey()));
                        out.append(pretty ? ": " : ":");
                        value(e.getValue(), level + 1);
                    }
                    close(!m.isEmpty(), level, '}');
                }
                case Collection<?> c -> {
                    out.append('[');
                    boolean first = true;
                    for (Object item : c) {
                        out.append(first ? "" : ",");
                        first = false;
                        newline(level + 1);
                        value(item, level + 1);
                    }
                    close(!c.isEmpty(), level, ']');
                }
                default -> {
                    if (v.getClass().isArray()) {
                        out.append('[');
                        int n = Array.getLength(v);
                        for (int i = 0; i < n; i++) {
                            out.append(i == 0 ? "" : ",");
                            newline(level + 1);
                            value(Array.get(v, i), level + 1);
                        }
                        close(n > 0, level, ']');
                        return;
                    }
                    Object a = adapter == null ? v : adapter.apply(v);
                    if (a != null && (a == v || !(a instanceof String || a instanceof Boolean || a instanceof Number
                            || a instanceof Map || a instanceof Collection || a instanceof Node || a.getClass().isArray()))) {
                        throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
                    }
                    value(a, level);
                }
            }
        }

        private void number(double d) {
            if (!Double.isFinite(d)) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e16) {
                out.append(d == 0 && 1 / d < 0 ? "-0" : Long.toString((long) d)).append(".0");
            } else {
                out.append(d);
            }
        }

        private void newline(int level) {
            if (pretty) {
                out.append('\n');
                for (int i = 0; i < level; i++) {
                    out.append("  ");
                }
            }
        }

        private void close(boolean nonEmpty, int level, char bracket) {
            if (nonEmpty) {
                newline(level);
            }
            out.append(bracket);
        }
    }

    /** {@code text} as a JSON string literal. */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2);
        quote(sb, text);
        return sb.toString();
    }

    /**
     * Appends {@code text} as a JSON string literal, escaping as {@code serde_json} does ({@code "},
     * {@code \}, control characters), and lone surrogates, which UTF-8 cannot carry.
     */
    public static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedSurrogate = Character.isHighSurrogate(c)
                            ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                            : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
                    if (c < 0x20 || (Character.isSurrogate(c) && !pairedSurrogate)) {
                        out.append("\\u");
                        for (int shift = 12; shift >= 0; shift -= 4) {
                            out.append(HEX.charAt((c >> shift) & 15));
                        }
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ------------------------------------------------------------------------------------------

    /**
     * A parsed value and where it sits in its document. Accessors check the type and throw an
     * {@link IllegalArgumentException} naming the source and the path.
     *
     * @param value  the plain Java value ({@link Map}, {@link List}, {@link String}, {@link Long},
     *               {@link Double}, {@link Boolean} or {@code null})
     * @param path   its JSON path ({@code $.model.vocab["##a"]})
     * @param source what the document is, for messages
     */
    public record Node(Object value, String path, String source) {

        /** An error about this value: {@code source: path: what}. */
        public IllegalArgumentException error(String what) {
            return new IllegalArgumentException(source + ": " + path + ": " + what);
        }

        public boolean isNull() {
            return value == null;
        }

        /** Whether this object has the member {@code key}; an error if this is not an object. */
        public boolean has(String key) {
            return object().containsKey(key);
        }

        /** The member {@code key} of this object; an error if this is not an object or the key is missing. */
        public Node get(String key) {
            Map<String, Object> m = object();
            if (!m.containsKey(key)) {
                throw error("missing key \"" + key + "\"");
            }
            return child(key, m.get(key));
        }

        /** The member {@code key}, or a JSON null node if it is missing; an error if this is not an object. */
        public Node opt(String key) {
            return child(key, object().get(key));
        }

        private Node child(String key, Object v) {
            StringBuilder p = new StringBuilder(path);
            appendKey(p, key);
            return new Node(v, p.toString(), source);
        }

        /** This object's members as plain values, in document order. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> object() {
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw error("expected an object, found " + describe());
        }

        /** This array's elements as plain values. */
        @SuppressWarnings("unchecked")
        public List<Object> array() {
            if (value instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw error("expected an array, found " + describe());
        }

        /** This object's members, in document order, as nodes. */
        public List<Map.Entry<String, Node>> entries() {
            List<Map.Entry<String, Node>> out = new ArrayList<>();
            for (Map.Entry<String, Object> e : object().entrySet()) {
                out.add(Map.entry(e.getKey(), child(e.getKey(), e.getValue())));
            }
            return out;
        }

        /** This array's elements as nodes. */
        public List<Node> elements() {
            List<Object> l = array();
            List<Node> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(new Node(l.get(i), path + "[" + i + "]", source));
            }
            return out;
        }

        /** Element {@code i} of this array; an error if it has no such element. */
        public Node at(int i) {
            List<Object> l = array();
            if (i < 0 || i >= l.size()) {
                throw error("expected an array of at least " + (i + 1) + " elements, found " + l.size());
            }
            return new Node(l.get(i), path + "[" + i + "]", source);
        }

        /** The number of elements of this array or members of this object. */
        public int size() {
            return value instanceof List<?> l ? l.size() : object().size();
        }

        public String string() {
            if (value instanceof String str) {
                return str;
            }
            throw error("expected a string, found " + describe());
        }

        /** A string, or {@code fallback} for JSON null (or a missing member from {@link #opt}). */
        public String stringOr(String fallback) {
            return isNull() ? fallback : string();
        }

        public boolean bool() {
            if (value instanceof Boolean b) {
                return b;
            }
            throw error("expected true or false, found " + describe());
        }

        public boolean boolOr(boolean fallback) {
            return isNull() ? fallback : bool();
        }

        /** An integer (a whole number written with a fraction or exponent, {@code 2.0}, counts). */
        public long longValue() {
            if (value instanceof Long l) {
                return l;
            }
            if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return d.longValue();
            }
            throw error("expected an integer, found " + (value instanceof Double d ? "a fraction " + d : describe()));
        }

        /** An integer in {@code [min, max]}. */
        public int intValue(int min, int max) {
            long l = longValue();
            if (l < min || l > max) {
                throw error("expected an integer in [" + min + ", " + max + "], found " + l);
            }
            return (int) l;
        }

        public int intOr(int fallback, int min, int max) {
            return isNull() ? fallback : intValue(min, max);
        }

        /** An array of 32-bit integers. */
        public int[] intArray() {
            List<Node> l = elements();
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = l.get(i).intValue(Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
            return out;
        }

        /** What this value is, for messages: {@code an object}, {@code a string "abc"}, {@code a number 3}, ... */
        public String describe() {
            return switch (value) {
                case null -> "null";
                case Map<?, ?> m -> "an object";
                case List<?> l -> "an array";
                case String str -> "a string \"" + (str.length() > 40 ? str.substring(0, 40) + "..." : str) + "\"";
                case Boolean b -> b.toString();
                case Number n -> "a number " + n;
                default -> value.getClass().getSimpleName();
            };
        }
    }
}
