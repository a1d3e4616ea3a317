package dev.quire.tensor;

import dev.quire.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An opened safetensors file: the header is read and fully validated by {@link Safetensors#open(Path)};
 * tensor data is read on demand, one tensor at a time.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data region.
 * Each JSON entry is {@code {"dtype", "shape", "data_offsets": [begin, end)}} relative to the data
 * region; {@code __metadata__} maps strings to strings.
 *
 * <p>{@link #close()} does nothing (no file stays open); it exists so try-with-resources reads naturally.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest header accepted (the reference implementation's limit is 100 MB as well). */
    static final long MAX_HEADER = 100L << 20;

    /** One entry of the header. */
    private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Bytes per element of a supported dtype, or -1. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            default -> -1;
        };
    }

    private SafetensorsException bad(String what) {
        return new SafetensorsException(path + ": " + what);
    }

    static SafetensorsFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            SafetensorsFile probe = new SafetensorsFile(path, 0, Map.of(), Map.of());
            if (size < 8) {
                throw probe.bad("file is " + size + " bytes, too short for the 8-byte header length (truncated?)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw probe.bad("header length " + Long.toUnsignedString(n) + " is larger than the file (" + size
                        + " bytes; truncated?)");
            }
            if (n > MAX_HEADER) {
                throw probe.bad("header length " + n + " exceeds the limit of " + MAX_HEADER + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(header.flip()).toString();
            } catch (CharacterCodingException e) {
                throw probe.bad("header is not valid UTF-8");
            }
            return parseHeader(path, json, 8 + n, size - 8 - n);
        } catch (IOException e) {
            throw new SafetensorsException(path + ": cannot read: " + e, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += r;
        }
    }

    private static SafetensorsFile parseHeader(Path path, String json, long dataStart, long dataLength) {
        SafetensorsFile probe = new SafetensorsFile(path, 0, Map.of(), Map.of());
        Object root;
        try {
            root = Json.parse(json.strip(), "header").value();
        } catch (IllegalArgumentException e) {
            throw probe.bad("header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw probe.bad("header is not a JSON object");
        }
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw probe.bad("__metadata__ is not an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String value)) {
                        throw probe.bad("__metadata__ value of \"" + m.getKey() + "\" is not a string");
                    }
                    metadata.put((String) m.getKey(), value);
                }
                continue;
            }
            entries.put(name, entry(probe, name, e.getValue(), dataLength));
        }
        // Offsets must not overlap: sort by start and compare neighbours.
        List<Entry> byStart = new ArrayList<>(entries.values());
        byStart.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byStart.size(); i++) {
            Entry prev = byStart.get(i - 1), cur = byStart.get(i);
            if (cur.begin < prev.end) {
                throw probe.bad("tensors \"" + prev.name + "\" [" + prev.begin + ", " + prev.end + ") and \"" + cur.name
                        + "\" [" + cur.begin + ", " + cur.end + ") overlap");
            }
        }
        return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(SafetensorsFile probe, String name, Object value, long dataLength) {
        if (!(value instanceof Map<?, ?> m)) {
            throw probe.bad("entry \"" + name + "\" is not an object");
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw probe.bad("tensor \"" + name + "\" has no dtype string");
        }
        int es = elementSize(dtype);
        if (es < 0) {
            throw probe.bad("tensor \"" + name + "\" has unknown dtype \"" + dtype
                    + "\" (supported: F32, F64, F16, BF16, I64, I32)");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw probe.bad("tensor \"" + name + "\" has no shape array");
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw probe.bad("tensor \"" + name + "\" has a bad shape " + shapeList);
            }
            shape[i] = (int) (long) d;
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw probe.bad("tensor \"" + name + "\" shape " + shapeList + " has more than 2^31-1 elements");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw probe.bad("tensor \"" + name + "\" has no data_offsets [begin, end]");
        }
        if (begin < 0 || end < begin || end > dataLength) {
            throw probe.bad("tensor \"" + name + "\" data_offsets [" + begin + ", " + end + ") are out of range: the data"
                    + " region has " + dataLength + " bytes");
        }
        if (end - begin != count * es) {
            throw probe.bad("tensor \"" + name + "\" data_offsets [" + begin + ", " + end + ") hold " + (end - begin)
                    + " bytes but " + dtype + " " + shapeList + " needs " + count * es);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public TensorInfo info(String name) {
        Entry e = entry(name);
        return new TensorInfo(e.dtype, e.shape);
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw bad("no tensor named \"" + name + "\" (has " + entries.size() + " tensors: "
                    + abbreviate(entries.keySet()) + ")");
        }
        return e;
    }

    private static String abbreviate(Set<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 10 ? l.toString() : l.subList(0, 10) + "...";
    }

    private ByteBuffer bytes(Entry e) {
        ByteBuffer buf = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            readFully(ch, buf, dataStart + e.begin);
        } catch (IOException ex) {
            throw new SafetensorsException(path + ": cannot read tensor \"" + e.name + "\": " + ex, ex);
        }
        return buf.flip();
    }

    /** The tensor as float32 (F32 as is; other dtypes converted). */
    public float[] f32(String name) {
        Entry e = entry(name);
        ByteBuffer b = bytes(e);
        int n = (int) ((e.end - e.begin) / elementSize(e.dtype));
        float[] out = new float[n];
        switch (e.dtype) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F64" -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case "I64" -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case "I32" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case "F16" -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort(i * 2)); }
            case "BF16" -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); }
            default -> throw bad("tensor \"" + name + "\" has unsupported dtype " + e.dtype);
        }
        return out;
    }

    /** The tensor as float64 (exact for F64 and the narrower float types). */
    public double[] f64(String name) {
        Entry e = entry(name);
        if (e.dtype.equals("F64")) {
            ByteBuffer b = bytes(e);
            double[] out = new double[(int) ((e.end - e.begin) / 8)];
            b.asDoubleBuffer().get(out);
            return out;
        }
        if (e.dtype.equals("I64")) {
            long[] l = i64(name);
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) out[i] = l[i];
            return out;
        }
        float[] f = f32(name);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** The tensor as int64; only for integer dtypes (I64, I32). */
    public long[] i64(String name) {
        Entry e = entry(name);
        ByteBuffer b = bytes(e);
        return switch (e.dtype) {
            case "I64" -> {
                long[] out = new long[(int) ((e.end - e.begin) / 8)];
                b.asLongBuffer().get(out);
                yield out;
            }
            case "I32" -> {
                long[] out = new long[(int) ((e.end - e.begin) / 4)];
                for (int i = 0; i < out.length; i++) out[i] = b.getInt(i * 4);
                yield out;
            }
            default -> throw bad("tensor \"" + name + "\" is " + e.dtype + ", not an integer dtype");
        };
    }

    /** The tensor as a float32 {@link Tensor} (no gradient). */
    public Tensor tensor(String name) {
        return Tensor.of(f32(name), entry(name).shape.clone());
    }

    @Override
    public void close() {
        // Nothing is held open between reads.
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + entries.size() + " tensors]";
    }
}
