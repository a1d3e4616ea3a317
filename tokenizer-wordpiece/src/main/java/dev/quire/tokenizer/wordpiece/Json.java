package dev.quire.tokenizer.wordpiece;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON codec for {@code tokenizer.json}: values are {@link Map} (key order kept),
 * {@link List}, {@link String}, {@link Long} (integers), {@link Double}, {@link Boolean} and
 * {@code null}. Syntax errors name the line, the column and the JSON path being read; {@link Node}
 * gives typed access whose errors name the JSON path of the offending value.
 */
final class Json {

    private Json() {
    }

    /** Parses one JSON document. {@code source} names the input in error messages. */
    static Node parse(String text, String source) {
        Parser p = new Parser(text, source);
        p.skipWs();
        Object v = p.value("$");
        p.skipWs();
        if (p.pos < text.length()) {
            throw p.error("$", "unexpected text after the JSON document");
        }
        return new Node(v, "$", source);
    }

    private static final class Parser {
        final String s;
        final String source;
        int pos;

        Parser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        IllegalArgumentException error(String path, String what) {
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
            return new IllegalArgumentException(source + ": line " + line + ", column " + col + " (at " + path + "): " + what);
        }

        void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(String path) {
            if (pos >= s.length()) {
                throw error(path, "unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(path);
                case '[':
                    return array(path);
                case '"':
                    return string(path);
                case 't':
                    return literal(path, "true", Boolean.TRUE);
                case 'f':
                    return literal(path, "false", Boolean.FALSE);
                case 'n':
                    return literal(path, "null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number(path);
                    }
                    throw error(path, "unexpected character '" + c + "', expected a value");
            }
        }

        Object literal(String path, String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error(path, "invalid literal, expected " + word);
            }
            pos += word.length();
            return v;
        }

        Object number(String path) {
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
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || (c == '-' && pos > start)) {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            if (digits == 0) {
                pos = start;
                throw error(path, "invalid number '" + t + "'");
            }
            try {
                if (integral && t.length() < 19) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                pos = start;
                throw error(path, "invalid number '" + t + "'");
            }
        }

        String string(String path) {
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw error(path, "unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
                    pos++;
                    return out;
                }
                if (c == '\\') {
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(s, runStart, pos);
                    pos++;
                    if (pos >= s.length()) {
                        throw error(path, "unterminated escape");
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error(path, "truncated \\u escape");
                            }
                            int v = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(s.charAt(pos + i), 16);
                                if (d < 0) {
                                    throw error(path, "invalid \\u escape");
                                }
                                v = v * 16 + d;
                            }
                            pos += 4;
                            sb.append((char) v);
                        }
                        default -> {
                            pos--;
                            throw error(path, "invalid escape '\\" + e + "'");
                        }
                    }
                    runStart = pos;
                } else if (c < 0x20) {
                    throw error(path, "control character in string");
                } else {
                    pos++;
                }
            }
        }

        Map<String, Object> object(String path) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error(path, "expected a string key");
                }
                String key = string(path);
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw error(Node.child(path, key), "expected ':' after key");
                }
                pos++;
                skipWs();
                String childPath = Node.child(path, key);
                if (m.containsKey(key)) {
                    throw error(childPath, "duplicate key");
                }
                m.put(key, value(childPath));
                skipWs();
                if (pos >= s.length()) {
                    throw error(path, "unterminated object, expected ',' or '}'");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    pos--;
                    throw error(path, "expected ',' or '}'");
                }
            }
        }

        List<Object> array(String path) {
            pos++;
            List<Object> l = new ArrayList<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                skipWs();
                l.add(value(path + "[" + l.size() + "]"));
                skipWs();
                if (pos >= s.length()) {
                    throw error(path, "unterminated array, expected ',' or ']'");
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    pos--;
                    throw error(path, "expected ',' or ']'");
                }
            }
        }
    }

    /** A parsed value and where it is; the typed getters throw errors naming that path. */
    record Node(Object value, String path, String source) {

        static String child(String path, String key) {
            boolean simple = !key.isEmpty();
            for (int i = 0; i < key.length() && simple; i++) {
                char c = key.charAt(i);
                simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            }
            if (simple) {
                return path + "." + key;
            }
            StringBuilder sb = new StringBuilder(path).append('[');
            quote(key, sb);
            return sb.append(']').toString();
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(source + ": " + path + ": " + what);
        }

        boolean isNull() {
            return value == null;
        }

        private static String kind(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof Map) {
                return "an object";
            }
            if (v instanceof List) {
                return "an array";
            }
            if (v instanceof String) {
                return "a string";
            }
            if (v instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw error("expected an object, found " + kind(value));
        }

        @SuppressWarnings("unchecked")
        List<Object> array() {
            if (value instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw error("expected an array, found " + kind(value));
        }

        /** The member {@code key}; a missing member is a node whose value is {@code null}. */
        Node get(String key) {
            return new Node(object().get(key), child(path, key), source);
        }

        boolean has(String key) {
            return object().containsKey(key);
        }

        /** The member {@code key}, which must be present. */
        Node require(String key) {
            Map<String, Object> m = object();
            if (!m.containsKey(key)) {
                throw error("missing member \"" + key + "\"");
            }
            return get(key);
        }

        Node at(int i) {
            return new Node(array().get(i), path + "[" + i + "]", source);
        }

        List<Node> elements() {
            List<Object> l = array();
            List<Node> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(new Node(l.get(i), path + "[" + i + "]", source));
            }
            return out;
        }

        String string() {
            if (value instanceof String str) {
                return str;
            }
            throw error("expected a string, found " + kind(value));
        }

        String stringOr(String fallback) {
            return value == null ? fallback : string();
        }

        boolean bool() {
            if (value instanceof Boolean b) {
                return b;
            }
            throw error("expected true or false, found " + kind(value));
        }

        boolean boolOr(boolean fallback) {
            return value == null ? fallback : bool();
        }

        long integer() {
            if (value instanceof Long l) {
                return l;
            }
            if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                return d.longValue();
            }
            throw error("expected an integer, found " + (value instanceof Double ? "a fraction" : kind(value)));
        }

        int intIn(int min, int max) {
            long v = integer();
            if (v < min || v > max) {
                throw error("expected an integer in [" + min + ", " + max + "], found " + v);
            }
            return (int) v;
        }

        int intOr(int fallback, int min, int max) {
            return value == null ? fallback : intIn(min, max);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code v} as indented JSON (two spaces, like Hugging Face's pretty output). */
    static String write(Object v) {
        StringBuilder sb = new StringBuilder(1 << 16);
        write(v, sb, 0);
        sb.append('\n');
        return sb.toString();
    }

    private static void indent(StringBuilder sb, int level) {
        sb.append('\n');
        for (int i = 0; i < level; i++) {
            sb.append("  ");
        }
    }

    private static void write(Object v, StringBuilder sb, int level) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(s, sb);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    indent(sb, level + 1);
                    quote(String.valueOf(e.getKey()), sb);
                    sb.append(": ");
                    write(e.getValue(), sb, level + 1);
                }
                indent(sb, level);
                sb.append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    indent(sb, level + 1);
                    write(l.get(i), sb, level + 1);
                }
                indent(sb, level);
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (Character.isSurrogate(c) && !validSurrogateAt(s, i))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
