package dev.quire.runtime.checkpoint;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.quire.runtime.checkpoint.proto.End;
import dev.quire.runtime.checkpoint.proto.Frame;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.checkpoint.proto.TensorChunk;
import dev.quire.runtime.checkpoint.proto.TensorHeader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes and reads checkpoint files (format: {@code docs/checkpoint-format.md}, schema
 * {@code quire/checkpoint.proto}).
 *
 * <p>Writing goes to a temporary file in the target's directory, which is flushed and fsynced, then
 * atomically renamed over the target, after which the directory is fsynced: a reader (or a crash at
 * any moment) sees the old file or the new one, never half of one.
 * Reading validates before it allocates: the header's size against a cap, the tensor table (names,
 * ranks, overflow-checked shape products, total size) against limits and the file size, every
 * frame's length against what is left of the file, the CRC32C of every tensor and of the whole file,
 * the format version, and the tensor count in the end marker. Every problem is a
 * {@link CheckpointException} naming the file and what is wrong.
 */
public final class Checkpoints {

    /** The format version this code writes and reads. Frozen: a change to the layout bumps it. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = "QUIRECKP".getBytes(StandardCharsets.US_ASCII);

    /** Largest header frame accepted (model configuration, tokenizer state, tensor table). */
    public static final int MAX_HEADER_BYTES = 64 << 20;

    /** Largest data a tensor chunk carries; what the writer writes. */
    public static final int MAX_CHUNK_BYTES = 16 << 20;

    /** Largest frame other than the header accepted: a full chunk plus its framing. */
    public static final int MAX_FRAME_BYTES = MAX_CHUNK_BYTES + (1 << 20);

    /** Floats per tensor chunk written: 16 MiB. */
    static final int CHUNK_FLOATS = MAX_CHUNK_BYTES / Float.BYTES;

    /** Most tensors a checkpoint may hold. */
    public static final int MAX_TENSORS = 1 << 20;

    /** Highest tensor rank accepted. */
    public static final int MAX_RANK = 16;

    /** Longest tensor name accepted, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;

    /** Most elements one tensor may have (a Java array's limit). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Checkpoints() {
    }

    /**
     * Writes a checkpoint atomically and durably.
     *
     * @param file    the target; replaced if it exists
     * @param header  the header; its format version and tensor table are set here
     * @param tensors the tensors, written in this order; names must be unique
     * @throws CheckpointException if it cannot be written (the target is then unchanged)
     */
    public static void write(Path file, Header header, Collection<StoredTensor> tensors) {
        Path dir = file.toAbsolutePath().getParent();
        var names = new java.util.HashSet<String>();
        var table = new ArrayList<TensorHeader>();
        for (StoredTensor tensor : tensors) {
            checkName(tensor.name());
            if (!names.add(tensor.name())) {
                throw new IllegalArgumentException("two tensors are named " + tensor.name());
            }
            table.add(tensorHeader(tensor));
        }
        if (table.size() > MAX_TENSORS) {
            throw new IllegalArgumentException(table.size() + " tensors, more than the " + MAX_TENSORS + " allowed");
        }
        Header stamped = header.toBuilder().setFormatVersion(FORMAT_VERSION).clearTensors().addAllTensors(table).build();
        if (stamped.getSerializedSize() > MAX_HEADER_BYTES) {
            throw new CheckpointException("cannot write checkpoint " + file + ": its header would be "
                    + stamped.getSerializedSize() + " bytes, more than the " + MAX_HEADER_BYTES + " a reader accepts");
        }
        Path temp = null;
        try {
            Files.createDirectories(dir);
            removeStaleTemporaries(dir, file.getFileName().toString());
            temp = Files.createTempFile(dir, tempPrefix(file.getFileName().toString()), TEMP_SUFFIX);
            try {
                // createTempFile makes the file private; a checkpoint is an ordinary output file.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var crc = new CRC32C();
                var out = new CheckedOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc);
                out.write(MAGIC);
                Frame.newBuilder().setHeader(stamped).build().writeDelimitedTo(out);
                int i = 0;
                for (StoredTensor tensor : tensors) {
                    writeTensor(out, table.get(i++), tensor);
                }
                Frame.newBuilder().setEnd(End.newBuilder().setTensorCount(table.size())
                        .setFileCrc32C((int) crc.getValue())).build().writeDelimitedTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden, named after the target, and removed by the next save
                }
            }
        }
    }

    /**
     * The checkpoint that {@link #write} would write, in memory: the header stamped with the format
     * version and the tensor table (for validating before anything is written).
     */
    public static Checkpoint inMemory(Header header, Collection<StoredTensor> tensors) {
        var table = new ArrayList<TensorHeader>();
        var map = new LinkedHashMap<String, StoredTensor>();
        for (StoredTensor tensor : tensors) {
            checkName(tensor.name());
            if (map.put(tensor.name(), tensor) != null) {
                throw new IllegalArgumentException("two tensors are named " + tensor.name());
            }
            table.add(tensorHeader(tensor));
        }
        return new Checkpoint(header.toBuilder().setFormatVersion(FORMAT_VERSION).clearTensors().addAllTensors(table).build(),
                map);
    }

    static final String TEMP_SUFFIX = ".tmp";

    static String tempPrefix(String target) {
        return "." + target + ".";
    }

    /**
     * Removes temporary files a killed writer of {@code target} left behind (one writer per target is
     * assumed, as for every output file of a run).
     */
    static void removeStaleTemporaries(Path dir, String target) throws IOException {
        String prefix = tempPrefix(target);
        try (var stream = Files.newDirectoryStream(dir, entry -> {
            String name = entry.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX) && name.length() > prefix.length() + TEMP_SUFFIX.length();
        })) {
            for (Path stale : stream) {
                Files.deleteIfExists(stale);
            }
        }
    }

    /**
     * Publishes an existing checkpoint under a second name atomically (a hard link where the file
     * system has them, else a durable copy), e.g. {@code checkpoint-latest.pb} for the newest
     * {@code checkpoint-step-N.pb}.
     */
    public static void publish(Path source, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            removeStaleTemporaries(dir, target.getFileName().toString());
            temp = dir.resolve(tempPrefix(target.getFileName().toString()) + System.nanoTime() + TEMP_SUFFIX);
            try {
                Files.createLink(temp, source);
            } catch (UnsupportedOperationException | IOException e) {
                Files.deleteIfExists(temp);
                Files.copy(source, temp);
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new CheckpointException("cannot publish checkpoint " + source + " as " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a tensor has an empty name");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name longer than " + MAX_NAME_BYTES + " bytes: " + name);
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("tensor name with a control character: " + name);
        }
    }

    private static TensorHeader tensorHeader(StoredTensor tensor) {
        float[] data = tensor.data();
        if (tensor.shape().length > MAX_RANK) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " has rank " + tensor.shape().length
                    + ", more than the " + MAX_RANK + " allowed");
        }
        int chunks = (data.length + CHUNK_FLOATS - 1) / CHUNK_FLOATS;
        var crc = new CRC32C();
        ByteBuffer bytes = ByteBuffer.allocate(Math.min(data.length, CHUNK_FLOATS) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
            int count = Math.min(CHUNK_FLOATS, data.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(data, from, count);
            crc.update(bytes.array(), 0, count * Float.BYTES);
        }
        var header = TensorHeader.newBuilder()
                .setName(tensor.name())
                .setDtype("float32")
                .setElementCount(data.length)
                .setCrc32C((int) crc.getValue())
                .setChunkCount(chunks);
        for (int dim : tensor.shape()) {
            header.addShape(dim);
        }
        return header.build();
    }

    private static void writeTensor(OutputStream out, TensorHeader header, StoredTensor tensor) throws IOException {
        float[] data = tensor.data();
        Frame.newBuilder().setTensor(header).build().writeDelimitedTo(out);
        ByteBuffer bytes = ByteBuffer.allocate(Math.min(data.length, CHUNK_FLOATS) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
            int count = Math.min(CHUNK_FLOATS, data.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(data, from, count);
            Frame.newBuilder().setChunk(TensorChunk.newBuilder()
                    .setData(ByteString.copyFrom(bytes.array(), 0, count * Float.BYTES))).build().writeDelimitedTo(out);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can sync a directory; the rename itself is still atomic.
        }
    }

    private static long sizeOf(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new CheckpointException("checkpoint " + file + " is a directory, not a checkpoint file");
            }
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " does not exist (looked at "
                    + file.toAbsolutePath().normalize() + ")");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates a whole checkpoint.
     *
     * @throws CheckpointException naming the file and what is wrong
     */
    public static Checkpoint read(Path file) {
        long size = sizeOf(file);
        try (InputStream raw = Files.newInputStream(file)) {
            return new Reader(file, new BufferedInputStream(raw, 1 << 16), size).read();
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks only the magic bytes and the header, tensor table included (cheap: the tensors
     * are not read, so their CRCs and the file's are not checked).
     *
     * @throws CheckpointException naming the file and what is wrong
     */
    public static Header readHeader(Path file) {
        long size = sizeOf(file);
        try (InputStream raw = Files.newInputStream(file)) {
            return new Reader(file, new BufferedInputStream(raw, 1 << 16), size).readHeader();
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings a header of an older format version up to {@link #FORMAT_VERSION}. Version 1 is the
     * first: there is nothing to migrate yet. When version 2 comes, a version-1 header (and its
     * tensors, if their layout changes) is converted here, and the version-1 test checkpoint in the
     * test resources must keep loading.
     */
    static Header migrate(Path file, Header header) {
        return switch (header.getFormatVersion()) {
            case FORMAT_VERSION -> header;
            default -> throw new CheckpointException("checkpoint " + file + " has format version "
                    + Integer.toUnsignedString(header.getFormatVersion()) + "; this Quire reads version " + FORMAT_VERSION
                    + (Integer.compareUnsigned(header.getFormatVersion(), FORMAT_VERSION) > 0
                    ? " (it was written by a newer Quire)" : " (no such version was ever written)"));
        };
    }

    private static final class Reader {
        private final Path file;
        private final InputStream in;
        private final long size;
        private final CRC32C crc = new CRC32C();
        private long position;

        Reader(Path file, InputStream in, long size) {
            this.file = file;
            this.in = in;
            this.size = size;
        }

        private CheckpointException corrupt(String problem) {
            return new CheckpointException("checkpoint " + file + " is corrupted or not a Quire checkpoint: " + problem
                    + " (at byte " + position + " of " + size + ")");
        }

        private CheckpointException corrupt(String problem, Throwable cause) {
            var e = corrupt(problem);
            e.initCause(cause);
            return e;
        }

        Checkpoint read() throws IOException {
            Header header = readHeader();
            List<TensorHeader> table = header.getTensorsList();
            var tensors = new LinkedHashMap<String, StoredTensor>();
            for (int i = 0; i < table.size(); i++) {
                TensorHeader expected = table.get(i);
                String what = "tensor " + (i + 1) + " of " + table.size() + " (" + expected.getName() + ")";
                Frame frame = nextFrame(what, MAX_FRAME_BYTES);
                if (!frame.hasTensor()) {
                    throw corrupt("expected the header of " + what + ", found " + kind(frame));
                }
                if (!frame.getTensor().equals(expected)) {
                    throw corrupt("the header of " + what + " does not match the header's tensor table (found "
                            + describe(frame.getTensor()) + ", expected " + describe(expected) + ")");
                }
                StoredTensor tensor = readTensor(expected);
                tensors.put(tensor.name(), tensor);
            }
            long expectedCrc = crc.getValue();
            Frame frame = nextFrame("the end marker", MAX_FRAME_BYTES);
            if (!frame.hasEnd()) {
                throw corrupt("expected the end marker after " + table.size() + " tensors, found " + kind(frame));
            }
            long count = Integer.toUnsignedLong(frame.getEnd().getTensorCount());
            if (count != tensors.size()) {
                throw corrupt("the end marker counts " + count + " tensors but " + tensors.size() + " were read");
            }
            if (position != size) {
                throw corrupt((size - position) + " unexpected bytes after the end marker");
            }
            if ((int) expectedCrc != frame.getEnd().getFileCrc32C()) {
                throw corrupt(String.format("the file fails its CRC32C check (stored %08x, computed %08x)",
                        frame.getEnd().getFileCrc32C(), (int) expectedCrc));
            }
            return new Checkpoint(header, tensors);
        }

        Header readHeader() throws IOException {
            if (size < MAGIC.length) {
                throw corrupt("the file is only " + size + " bytes long");
            }
            byte[] magic = readBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException("checkpoint " + file
                        + " is not a Quire checkpoint: it does not start with the bytes \"QUIRECKP\"");
            }
            Frame first = nextFrame("the header", MAX_HEADER_BYTES);
            if (!first.hasHeader()) {
                throw corrupt("the first frame is " + kind(first) + ", not the header");
            }
            Header header = migrate(file, first.getHeader());
            checkTable(header.getTensorsList());
            return header;
        }

        /** Checks the tensor table against the limits and the rest of the file, before anything is allocated. */
        private void checkTable(List<TensorHeader> table) {
            if (table.size() > MAX_TENSORS) {
                throw corrupt("the header lists " + table.size() + " tensors, more than the " + MAX_TENSORS + " allowed");
            }
            var names = new HashSet<String>();
            long total = 0;
            for (int i = 0; i < table.size(); i++) {
                TensorHeader t = table.get(i);
                String name = t.getName();
                String which = "tensor " + (i + 1) + " of the header's table";
                if (name.isEmpty()) {
                    throw corrupt(which + " has no name");
                }
                if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                    throw corrupt(which + " has a name longer than " + MAX_NAME_BYTES + " bytes");
                }
                if (name.chars().anyMatch(Character::isISOControl)) {
                    throw corrupt(which + " has a name with a control character");
                }
                which = "tensor " + name;
                if (!names.add(name)) {
                    throw corrupt("two tensors are named " + name);
                }
                if (!"float32".equals(t.getDtype())) {
                    throw corrupt(which + " has dtype '" + printable(t.getDtype()) + "'; version 1 stores float32 only");
                }
                if (t.getShapeCount() > MAX_RANK) {
                    throw corrupt(which + " has rank " + t.getShapeCount() + ", more than the " + MAX_RANK + " allowed");
                }
                long count = 1;
                try {
                    for (long dim : t.getShapeList()) {
                        if (dim < 0 || dim > MAX_ELEMENTS) {
                            throw corrupt(which + " has dimension " + dim + " in shape " + t.getShapeList());
                        }
                        count = Math.multiplyExact(count, dim);
                    }
                } catch (ArithmeticException e) {
                    throw corrupt(which + " has shape " + t.getShapeList() + " whose size overflows");
                }
                if (count != t.getElementCount()) {
                    throw corrupt(which + " has shape " + t.getShapeList() + " (" + count + " values) but declares "
                            + t.getElementCount() + " values");
                }
                if (count > MAX_ELEMENTS) {
                    throw corrupt(which + " has " + count + " values, more than the " + MAX_ELEMENTS + " a tensor may hold");
                }
                long bytes = count * Float.BYTES;
                long chunks = Integer.toUnsignedLong(t.getChunkCount());
                long fewest = (bytes + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES;
                if (chunks < fewest || chunks > count) {
                    throw corrupt(which + " declares " + chunks + " chunks for " + bytes + " bytes (allowed: "
                            + fewest + " to " + count + ")");
                }
                total = Math.addExact(total, bytes); // cannot overflow: at most 2^20 tensors of < 2^33 bytes
            }
            if (total > size - position) {
                throw corrupt("the header's tensor table needs " + total + " bytes of tensor data but only "
                        + (size - position) + " remain in the file");
            }
        }

        private StoredTensor readTensor(TensorHeader header) throws IOException {
            String name = header.getName();
            int[] shape = new int[header.getShapeCount()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) header.getShape(i); // checked by checkTable
            }
            int count = (int) header.getElementCount();
            long bytes = (long) count * Float.BYTES;
            if (bytes > size - position) {
                throw corrupt("tensor " + name + " needs " + bytes + " bytes but only " + (size - position) + " remain");
            }
            long chunks = Integer.toUnsignedLong(header.getChunkCount());
            float[] data = new float[count];
            var tensorCrc = new CRC32C();
            int filled = 0;
            for (long c = 0; c < chunks; c++) {
                Frame frame = nextFrame("chunk " + (c + 1) + " of tensor " + name, MAX_FRAME_BYTES);
                if (!frame.hasChunk()) {
                    throw corrupt("expected chunk " + (c + 1) + " of " + chunks + " of tensor " + name + ", found "
                            + kind(frame));
                }
                ByteString chunk = frame.getChunk().getData();
                if (chunk.isEmpty() || chunk.size() > MAX_CHUNK_BYTES || chunk.size() % Float.BYTES != 0
                        || chunk.size() / Float.BYTES > data.length - filled) {
                    throw corrupt("chunk " + (c + 1) + " of tensor " + name + " has " + chunk.size()
                            + " bytes, which is not a whole, non-empty part of the " + ((long) (data.length - filled) * Float.BYTES)
                            + " bytes left of the tensor");
                }
                ByteBuffer buffer = chunk.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                tensorCrc.update(buffer.duplicate());
                int n = chunk.size() / Float.BYTES;
                buffer.asFloatBuffer().get(data, filled, n);
                filled += n;
            }
            if (filled != data.length) {
                throw corrupt("tensor " + name + " has " + filled + " of its " + data.length + " values");
            }
            if ((int) tensorCrc.getValue() != header.getCrc32C()) {
                throw corrupt(String.format("tensor %s fails its CRC32C check (stored %08x, computed %08x)", name,
                        header.getCrc32C(), (int) tensorCrc.getValue()));
            }
            return new StoredTensor(name, shape, data);
        }

        private Frame nextFrame(String expected, int limit) throws IOException {
            if (position >= size) {
                throw corrupt("the file ends where " + expected + " should be (truncated?)");
            }
            long length = readVarint();
            if (length > limit) {
                throw corrupt("the frame of " + expected + " declares " + length + " bytes, more than the " + limit
                        + " allowed");
            }
            if (length > size - position) {
                throw corrupt("the frame of " + expected + " declares " + length + " bytes but only " + (size - position)
                        + " remain (truncated?)");
            }
            byte[] bytes = readBytes((int) length);
            try {
                return Frame.parseFrom(bytes);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw corrupt("the frame of " + expected + " does not parse: " + e.getMessage(), e);
            }
        }

        private long readVarint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    throw corrupt("the file ends inside a frame length");
                }
                crc.update(b);
                position++;
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (result < 0) {
                        throw corrupt("a frame length is negative");
                    }
                    return result;
                }
            }
            throw corrupt("a frame length is not a valid varint");
        }

        private byte[] readBytes(int n) throws IOException {
            byte[] bytes = new byte[n];
            int read = in.readNBytes(bytes, 0, n);
            crc.update(bytes, 0, read);
            position += read;
            if (read != n) {
                throw corrupt("the file ends early", new EOFException());
            }
            return bytes;
        }

        private static String kind(Frame frame) {
            return switch (frame.getKindCase()) {
                case HEADER -> "a second header";
                case TENSOR -> "the header of tensor " + printable(frame.getTensor().getName());
                case CHUNK -> "a tensor chunk";
                case END -> "the end marker";
                case KIND_NOT_SET -> "an empty frame";
            };
        }

        private static String describe(TensorHeader t) {
            return printable(t.getName()) + " " + t.getDtype() + " " + t.getShapeList() + ", " + t.getChunkCount()
                    + " chunks, crc " + String.format("%08x", t.getCrc32C());
        }
    }

    /** A string from a file, safe to print: control characters escaped, cut at 200 characters. */
    public static String printable(String s) {
        var out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 200 ? out + "..." : out.toString();
    }
}
