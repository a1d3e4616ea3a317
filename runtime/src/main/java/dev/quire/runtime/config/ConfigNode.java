package dev.quire.runtime.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One node of a pipeline file with its key path, converting itself to Java values strictly: a
 * number where a number is expected, {@code true}/{@code false} where a boolean is, and so on.
 * Every failure is a {@link ConfigException} at this node's line and column.
 */
public final class ConfigNode {

    private final Path file;
    private final Node node;
    private final String path;

    ConfigNode(Path file, Node node, String path) {
        this.file = file;
        this.node = node;
        this.path = path;
    }

    /** Dotted key path of this node ({@code model.layers}); empty for the root. */
    public String path() {
        return path;
    }

    /** The file this node is in. */
    public Path file() {
        return file;
    }

    /** 1-based line of this node. */
    public int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** 1-based column of this node. */
    public int column() {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
    }

    /** An error at this node. */
    public ConfigException error(String problem) {
        return new ConfigException(file, line(), column(), path, problem);
    }

    /** An error at this node with a cause. */
    public ConfigException error(String problem, Throwable cause) {
        return new ConfigException(file, line(), column(), path, problem, cause);
    }

    /** Whether this is a mapping. */
    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** Whether this is a list. */
    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** Whether this is a scalar (including null). */
    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** Whether this is YAML null ({@code ~}, {@code null} or nothing). */
    public boolean isNull() {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** How this node looks, for "found ..." in messages. */
    public String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        var scalar = (ScalarNode) node;
        String value = scalar.getValue();
        if (Tag.NULL.equals(scalar.getTag())) {
            return "nothing (null)";
        }
        String shown = value.length() > 60 ? value.substring(0, 57) + "..." : value;
        if (Tag.INT.equals(scalar.getTag())) {
            return "the integer " + shown;
        }
        if (Tag.FLOAT.equals(scalar.getTag())) {
            return "the number " + shown;
        }
        if (Tag.BOOL.equals(scalar.getTag())) {
            return "the boolean " + shown;
        }
        return "the text \"" + shown + "\"";
    }

    /** This node as a mapping with unique string keys. */
    public ConfigMap mapping(String expected) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected " + expected + ", found " + describe());
        }
        var entries = new LinkedHashMap<String, ConfigNode>();
        var keys = new LinkedHashMap<String, ConfigNode>();
        for (NodeTuple tuple : mapping.getValue()) {
            var keyNode = new ConfigNode(file, tuple.getKeyNode(), path);
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || Tag.NULL.equals(key.getTag())) {
                throw keyNode.error("keys must be plain words, found " + keyNode.describe() + " as a key");
            }
            String name = key.getValue();
            if (Tag.MERGE.equals(key.getTag()) || "<<".equals(name)) {
                throw keyNode.error("merge keys ('<<') are not supported in pipeline files");
            }
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (entries.containsKey(name)) {
                throw new ConfigNode(file, tuple.getKeyNode(), childPath).error("duplicate key '" + name
                        + "' (first given at line " + keys.get(name).line() + ")");
            }
            keys.put(name, new ConfigNode(file, tuple.getKeyNode(), childPath));
            entries.put(name, new ConfigNode(file, tuple.getValueNode(), childPath));
        }
        return new ConfigMap(this, entries, keys);
    }

    /** The elements of this list. */
    public List<ConfigNode> sequence(String expected) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected " + expected + ", found " + describe());
        }
        var items = new ArrayList<ConfigNode>();
        int i = 0;
        for (Node item : sequence.getValue()) {
            items.add(new ConfigNode(file, item, path + "[" + i++ + "]"));
        }
        return items;
    }

    /** This node as a child with another path (for list items re-keyed by their stage name). */
    ConfigNode withPath(String newPath) {
        return new ConfigNode(file, node, newPath);
    }

    private ScalarNode scalar(String expected) {
        if (!(node instanceof ScalarNode scalar) || Tag.NULL.equals(node.getTag())) {
            throw error("expected " + expected + ", found " + describe());
        }
        return scalar;
    }

    /** Any non-null scalar as text (numbers too: a prompt may be {@code 123}). */
    public String asString() {
        return scalar("text").getValue();
    }

    /** A boolean: {@code true} or {@code false}. */
    public boolean asBoolean() {
        var scalar = scalar("true or false");
        if (!Tag.BOOL.equals(scalar.getTag())) {
            throw error("expected true or false, found " + describe());
        }
        return Boolean.parseBoolean(scalar.getValue().toLowerCase(Locale.ROOT));
    }

    /** An integer in the range of {@code long}. */
    public long asLong() {
        return integer("an integer", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** An integer in the range of {@code int}. */
    public int asInt() {
        return (int) integer("an integer", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private long integer(String expected, long min, long max) {
        var scalar = scalar(expected);
        BigInteger value;
        if (Tag.INT.equals(scalar.getTag())) {
            value = parseInteger(scalar.getValue());
        } else if (Tag.FLOAT.equals(scalar.getTag())) {
            // 1e6 or 2000.0 are fine where they are whole numbers.
            try {
                value = new BigDecimal(scalar.getValue().replace("_", "")).toBigIntegerExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw error("expected " + expected + ", found " + describe());
            }
        } else {
            throw error("expected " + expected + ", found " + describe());
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("expected " + expected + " from " + min + " to " + max + ", found " + value);
        }
        return value.longValue();
    }

    private BigInteger parseInteger(String text) {
        String t = text.replace("_", "");
        int sign = 1;
        if (t.startsWith("-") || t.startsWith("+")) {
            sign = t.startsWith("-") ? -1 : 1;
            t = t.substring(1);
        }
        try {
            BigInteger magnitude;
            if (t.startsWith("0x")) {
                magnitude = new BigInteger(t.substring(2), 16);
            } else if (t.startsWith("0o")) {
                magnitude = new BigInteger(t.substring(2), 8);
            } else {
                magnitude = new BigInteger(t);
            }
            return sign < 0 ? magnitude.negate() : magnitude;
        } catch (NumberFormatException e) {
            throw error("expected an integer, found " + describe());
        }
    }

    /** A finite number ({@code 3}, {@code 0.1}, {@code 1.0e-3}). */
    public double asDouble() {
        var scalar = scalar("a number");
        if (!Tag.FLOAT.equals(scalar.getTag()) && !Tag.INT.equals(scalar.getTag())) {
            throw error("expected a number, found " + describe());
        }
        String text = scalar.getValue().replace("_", "");
        double value;
        if (Tag.INT.equals(scalar.getTag())) {
            value = parseInteger(text).doubleValue();
        } else {
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".inf") || lower.endsWith(".nan")) {
                throw error("expected a finite number, found " + describe());
            }
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw error("expected a number, found " + describe());
            }
        }
        if (!Double.isFinite(value)) {
            throw error("expected a finite number, found " + describe());
        }
        return value;
    }

    /** A finite number that fits a {@code float}. */
    public float asFloat() {
        double value = asDouble();
        if (Math.abs(value) > Float.MAX_VALUE) {
            throw error("expected a number within float range, found " + describe());
        }
        return (float) value;
    }

    /** A path, resolved against {@code base} when relative. */
    public Path asPath(Path base) {
        String text = asString();
        if (text.isBlank()) {
            throw error("expected a path, found an empty text");
        }
        try {
            return base.resolve(text).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw error("expected a path, found \"" + text + "\" (" + e.getReason() + ")");
        }
    }

    /** One of {@code allowed}, compared ignoring case (with {@code -} and {@code _} alike). */
    public String asChoice(Collection<String> allowed) {
        String text = asString();
        for (String choice : allowed) {
            if (normalizeChoice(choice).equals(normalizeChoice(text))) {
                return choice;
            }
        }
        throw error("expected one of " + String.join(", ", allowed) + ", found " + describe());
    }

    static String normalizeChoice(String text) {
        return text.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** A mapping's entries, with helpers for strict key checking. */
    public static final class ConfigMap {
        private final ConfigNode node;
        private final Map<String, ConfigNode> entries;
        private final Map<String, ConfigNode> keys;

        ConfigMap(ConfigNode node, Map<String, ConfigNode> entries, Map<String, ConfigNode> keys) {
            this.node = node;
            this.entries = entries;
            this.keys = keys;
        }

        /** The mapping node itself. */
        public ConfigNode node() {
            return node;
        }

        /** Keys in file order. */
        public java.util.Set<String> keySet() {
            return entries.keySet();
        }

        /** The value of {@code key}, if present. */
        public Optional<ConfigNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        /** The value of {@code key}, present and not null. */
        public ConfigNode require(String key, String what) {
            ConfigNode value = entries.get(key);
            if (value == null) {
                throw node.error("missing key '" + key + "' (" + what + ")");
            }
            return value;
        }

        /** The node of the key itself (for errors about the key). */
        public ConfigNode keyNode(String key) {
            return keys.get(key);
        }

        /**
         * Fails on the first key not in {@code allowed}, listing the allowed keys.
         *
         * @param where a phrase for the message, e.g. {@code "in model"}
         */
        public void checkKeys(Collection<String> allowed, String where) {
            for (var key : entries.keySet()) {
                if (!allowed.contains(key)) {
                    var sorted = new ArrayList<>(allowed);
                    sorted.sort(null);
                    String hint = closest(key, sorted).map(c -> " (did you mean '" + c + "'?)").orElse("");
                    throw keys.get(key).error("unknown key '" + key + "'" + hint + ". Allowed keys " + where
                            + ": " + String.join(", ", sorted));
                }
            }
        }

        private static Optional<String> closest(String key, List<String> candidates) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String candidate : candidates) {
                int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = candidate;
                }
            }
            return best != null && bestDistance <= Math.max(1, key.length() / 3) ? Optional.of(best) : Optional.empty();
        }

        private static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}
