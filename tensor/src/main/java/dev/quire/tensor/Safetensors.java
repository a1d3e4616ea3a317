package dev.quire.tensor;

import dev.quire.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <pre>{@code
 * Map<String, Tensor> weights = Safetensors.read(path);           // everything, as float32
 * try (SafetensorsFile f = Safetensors.open(path)) {              // or lazily, and exactly
 *     double[] expected = f.f64("expected.loss");
 * }
 * Safetensors.write(out, weights, Map.of("step", "100"));         // F32, atomically
 * }</pre>
 *
 * <p>All failures are {@link SafetensorsException}s whose message starts with the file's path.
 */
public final class Safetensors {

    private Safetensors() {}

    /** Every tensor of the file as float32 (F64, I64, ... converted), in name order. */
    public static Map<String, Tensor> read(Path path) {
        SafetensorsFile f = open(path);
        Map<String, Tensor> out = new TreeMap<>();
        for (String name : f.names()) {
            out.put(name, f.tensor(name));
        }
        return out;
    }

    /** Opens a file and validates its header; data is read per tensor on demand. */
    public static SafetensorsFile open(Path path) {
        return SafetensorsFile.open(path);
    }

    /**
     * Same as {@link #open(Path)}: the file's tensors with their exact dtypes ({@code f64}, {@code i64}).
     * The contract's text mentions {@code readRaw}; this name keeps code written against that wording working.
     */
    public static SafetensorsFile readRaw(Path path) {
        return open(path);
    }

    /**
     * Writes tensors as F32 with keys sorted and contiguous offsets, the header padded with spaces to a
     * multiple of 8 bytes. Written to a temporary file in the same directory, forced to disk, then
     * renamed over {@code path}, so a reader never sees a half-written file.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        StringBuilder h = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            h.append(Json.quote("__metadata__")).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                h.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                first = false;
            }
            h.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new SafetensorsException(path + ": cannot write a tensor named \"" + name + "\"");
            }
            Tensor t = e.getValue();
            long bytes = 4L * t.size();
            h.append(h.length() > 1 ? "," : "").append(Json.quote(name)).append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(t.shape).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        byte[] headerPadded = Arrays.copyOf(header, padded);
        Arrays.fill(headerPadded, header.length, padded, (byte) ' ');

        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(headerPadded));
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : sorted.values()) {
                    float[] d = t.data;
                    for (int i = 0; i < d.length; ) {
                        int n = Math.min(d.length - i, buf.capacity() / 4);
                        buf.clear();
                        buf.asFloatBuffer().put(d, i, n);
                        buf.limit(n * 4);
                        writeFully(ch, buf);
                        i += n;
                    }
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new SafetensorsException(path + ": cannot write: " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error matters more
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
