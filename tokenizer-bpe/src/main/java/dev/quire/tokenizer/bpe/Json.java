package dev.quire.tokenizer.bpe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer, enough for {@code tokenizer.json} and the reference fixtures.
 *
 * <p>Reading gives plain Java values (objects as insertion-ordered {@link Map}s, arrays as
 * {@link List}s, integral numbers as {@link Long}, other numbers as {@link Double}, {@code null} as
 * {@link #NULL}) wrapped in {@link Node}s that know their JSON path, so that every error names the
 * source and the path ({@code tokenizer.json: $.model.merges[12]: expected an array of 2 strings}).
 * Syntax errors name the line, the column and the path being read.
 *
 * <p>Writing follows {@code serde_json}'s pretty printer (two-space indent, {@code "key": value},
 * only {@code "}, {@code \}, and control characters escaped), so a {@code tokenizer.json} written
 * here is laid out byte for byte like one written by Hugging Face {@code tokenizers}.
 */
final class Json {

    /** The JSON {@code null} (maps cannot hold Java {@code null} values portably). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String s;
    private final String source;
    private int pos;
    /** Keys (String) and indices (int[1], mutated in place) from the root to the value being read. */
    private final ArrayList<Object> path = new ArrayList<>();

    private Json(String s, String source) {
        this.s = s;
        this.source = source;
    }

    /**
     * Parses one JSON document.
     *
     * @param source what the text is, for messages (a file name)
     * @throws IllegalArgumentException naming the source, line, column and JSON path of a syntax error
     */
    static Node parse(String text, String source) {
        Json j = new Json(text, source);
        j.skipSpace();
        Object v = j.value(0);
        j.skipSpace();
        if (j.pos != text.length()) {
            throw j.error("unexpected text after the JSON value");
        }
        return new Node(v, "$", source);
    }

    private IllegalArgumentException error(String what) {
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

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
    }

    private Object value(int depth) {
        if (depth > 512) {
            throw error("nesting deeper than 512 levels");
        }
        if (pos >= s.length()) {
            throw error("unexpected end of the text");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return m;
                }
                while (true) {
                    skipSpace();
                    if (pos >= s.length() || s.charAt(pos) != '"') {
                        throw error("expected a string key");
                    }
                    String key = string();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    path.add(key);
                    Object v = value(depth + 1);
                    path.removeLast();
                    if (m.put(key, v) != null) {
                        throw error("duplicate key \"" + key + "\"");
                    }
                    skipSpace();
                    if (pos < s.length() && s.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[' -> {
                pos++;
                List<Object> list = new ArrayList<>();
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ']') {
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
                    if (pos < s.length() && s.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect(']');
                    path.removeLast();
                    return list;
                }
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                literal("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return NULL;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
            }
        }
    }

    private void expect(char c) {
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
    }

    private Object number() {
        int start = pos;
        if (s.charAt(pos) == '-') {
            pos++;
        }
        boolean integral = true;
        int digits = 0;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                digits++;
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String t = s.substring(start, pos);
        if (digits == 0) {
            throw error("malformed number '" + t + "'");
        }
        try {
            if (integral && digits <= 18) {
                return Long.parseLong(t);
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("malformed number '" + t + "'");
        }
    }

    private String string() {
        pos++; // opening quote
        int start = pos;
        // Fast path: no escapes.
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("control character U+" + String.format("%04X", (int) c) + " inside a string");
            }
            pos++;
        }
        StringBuilder b = new StringBuilder().append(s, start, pos);
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + String.format("%04X", (int) c) + " inside a string");
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
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
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
                        int d = Character.digit(s.charAt(pos + i), 16);
                        if (d < 0) {
                            throw error("malformed \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    pos += 4;
                    b.append((char) v);
                }
                default -> {
                    pos--;
                    throw error("unknown escape '\\" + e + "'");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /** Appends {@code v} as {@code serde_json}'s pretty printer would, starting at {@code indent} levels. */
    static void write(StringBuilder out, Object v, int indent) {
        switch (v) {
            case null -> out.append("null");
            case Node n -> write(out, n.value(), indent);
            case String str -> quote(out, str);
            case Boolean bool -> out.append(bool);
            case Long l -> out.append(l);
            case Integer i -> out.append(i);
            case Double d -> out.append(d == Math.rint(d) && !Double.isInfinite(d) ? String.format("%.1f", d) : d.toString());
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    indent(out, indent + 1);
                    quote(out, (String) e.getKey());
                    out.append(": ");
                    write(out, e.getValue(), indent + 1);
                    out.append(++i < m.size() ? ",\n" : "\n");
                }
                indent(out, indent);
                out.append('}');
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    indent(out, indent + 1);
                    write(out, list.get(i), indent + 1);
                    out.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                indent(out, indent);
                out.append(']');
            }
            default -> {
                if (v == NULL) {
                    out.append("null");
                } else {
                    throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
                }
            }
        }
    }

    static void indent(StringBuilder out, int levels) {
        for (int i = 0; i < levels; i++) {
            out.append("  ");
        }
    }

    /** Appends {@code str} as a JSON string literal, escaping as {@code serde_json} does. */
    static void quote(StringBuilder out, String str) {
        out.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
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
     * A parsed value and where it sits in its document. Accessors check the type and throw
     * {@link IllegalArgumentException} naming the source and the path.
     */
    record Node(Object value, String path, String source) {

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(source + ": " + path + ": " + what);
        }

        boolean isNull() {
            return value == NULL;
        }

        boolean has(String key) {
            return value instanceof Map<?, ?> m && m.containsKey(key);
        }

        /** The member {@code key} of this object; an error if this is not an object or the key is missing. */
        Node get(String key) {
            Map<?, ?> m = map();
            if (!m.containsKey(key)) {
                throw error("missing key \"" + key + "\"");
            }
            return child(key, m.get(key));
        }

        /** The member {@code key}, or a JSON null node if it is missing. */
        Node opt(String key) {
            Map<?, ?> m = map();
            return child(key, m.containsKey(key) ? m.get(key) : NULL);
        }

        private Node child(String key, Object v) {
            StringBuilder p = new StringBuilder(path);
            appendKey(p, key);
            return new Node(v, p.toString(), source);
        }

        Map<?, ?> map() {
            if (value instanceof Map<?, ?> m) {
                return m;
            }
            throw error("expected an object, found " + describe());
        }

        /** The members of this object, in document order, as nodes. */
        List<Map.Entry<String, Node>> entries() {
            List<Map.Entry<String, Node>> out = new ArrayList<>();
            for (Map.Entry<?, ?> e : map().entrySet()) {
                String k = (String) e.getKey();
                out.add(Map.entry(k, child(k, e.getValue())));
            }
            return out;
        }

        List<Node> list() {
            if (!(value instanceof List<?> l)) {
                throw error("expected an array, found " + describe());
            }
            List<Node> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(new Node(l.get(i), path + "[" + i + "]", source));
            }
            return out;
        }

        int size() {
            if (value instanceof List<?> l) {
                return l.size();
            }
            return map().size();
        }

        String string() {
            if (value instanceof String str) {
                return str;
            }
            throw error("expected a string, found " + describe());
        }

        /** A string, or {@code null} for JSON null. */
        String stringOrNull() {
            return isNull() ? null : string();
        }

        boolean bool() {
            if (value instanceof Boolean b) {
                return b;
            }
            throw error("expected true or false, found " + describe());
        }

        long longValue() {
            if (value instanceof Long l) {
                return l;
            }
            throw error("expected an integer, found " + describe());
        }

        /** An integer in {@code [min, max]}. */
        int intValue(int min, int max) {
            long l = longValue();
            if (l < min || l > max) {
                throw error("expected an integer in [" + min + ", " + max + "], found " + l);
            }
            return (int) l;
        }

        int[] intArray() {
            List<?> l = value instanceof List<?> x ? x : null;
            if (l == null) {
                throw error("expected an array of integers, found " + describe());
            }
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(source + ": " + path + "[" + i + "]: expected a 32-bit integer");
                }
                out[i] = (int) (long) v;
            }
            return out;
        }

        String describe() {
            return switch (value) {
                case Map<?, ?> m -> "an object";
                case List<?> l -> "an array";
                case String str -> "the string \"" + (str.length() > 40 ? str.substring(0, 40) + "..." : str) + "\"";
                case Boolean b -> b.toString();
                case Long l -> "the number " + l;
                case Double d -> "the number " + d;
                default -> "null";
            };
        }
    }
}
