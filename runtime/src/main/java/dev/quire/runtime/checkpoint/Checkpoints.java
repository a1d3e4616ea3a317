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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.zip.CRC32C;

/**
 * Writes and reads checkpoint files (format described in {@code quire/checkpoint.proto}).
 *
 * <p>Writing goes to a temporary file in the target's directory, which is flushed to disk and then
 * renamed over the target, so a reader sees the old file or the new one, never half of one.
 * Reading validates before it allocates: every frame's length against what is left of the file,
 * tensor shapes with overflow-checked products against their byte counts, CRC32C of every tensor,
 * the format version, and the tensor count in the end marker.
 */
public final class Checkpoints {

    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = "QUIRECKP".getBytes(StandardCharsets.US_ASCII);

    /** Largest frame accepted; the writer's chunks are 16 MiB, well below. */
    static final int MAX_FRAME_BYTES = 64 << 20;

    /** Floats per tensor chunk written: 16 MiB. */
    static final int CHUNK_FLOATS = 4 << 20;

    private Checkpoints() {
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param file    the target; replaced if it exists
     * @param header  the header; its format version is set to {@link #FORMAT_VERSION}
     * @param tensors the tensors, written in this order; names must be unique
     * @throws CheckpointException if it cannot be written (the target is then unchanged)
     */
    public static void write(Path file, Header header, Collection<StoredTensor> tensors) {
        Path dir = file.toAbsolutePath().getParent();
        var names = new java.util.HashSet<String>();
        for (StoredTensor tensor : tensors) {
            if (!names.add(tensor.name())) {
                throw new IllegalArgumentException("two tensors are named " + tensor.name());
            }
        }
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try {
                // createTempFile makes the file private; a checkpoint is an ordinary output file.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                out.write(MAGIC);
                Header stamped = header.toBuilder().setFormatVersion(FORMAT_VERSION).build();
                Frame.newBuilder().setHeader(stamped).build().writeDelimitedTo(out);
                for (StoredTensor tensor : tensors) {
                    writeTensor(out, tensor);
                }
                Frame.newBuilder().setEnd(End.newBuilder().setTensorCount(tensors.size())).build().writeDelimitedTo(out);
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
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    private static void writeTensor(OutputStream out, StoredTensor tensor) throws IOException {
        float[] data = tensor.data();
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
        Frame.newBuilder().setTensor(header).build().writeDelimitedTo(out);
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

    /**
     * Reads and validates a checkpoint.
     *
     * @throws CheckpointException naming the file and what is wrong
     */
    public static Checkpoint read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " does not exist (looked at "
                    + file.toAbsolutePath().normalize() + ")");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (Files.isDirectory(file)) {
            throw new CheckpointException("checkpoint " + file + " is a directory, not a checkpoint file");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            return new Reader(file, new BufferedInputStream(raw, 1 << 16), size).read();
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks only the magic bytes and the header (cheap: the tensors are not read, so their
     * CRCs are not checked either).
     *
     * @throws CheckpointException naming the file and what is wrong
     */
    public static Header readHeader(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " does not exist (looked at "
                    + file.toAbsolutePath().normalize() + ")");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            return new Reader(file, new BufferedInputStream(raw, 1 << 16), size).readHeader();
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static final class Reader {
        private final Path file;
        private final InputStream in;
        private final long size;
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

        Checkpoint read() throws IOException {
            Header header = readHeader();
            var tensors = new LinkedHashMap<String, StoredTensor>();
            while (true) {
                Frame frame = nextFrame("a tensor or the end marker");
                if (frame.hasEnd()) {
                    long expected = Integer.toUnsignedLong(frame.getEnd().getTensorCount());
                    if (expected != tensors.size()) {
                        throw corrupt("the end marker counts " + expected + " tensors but " + tensors.size() + " were read");
                    }
                    if (position != size) {
                        throw corrupt((size - position) + " unexpected bytes after the end marker");
                    }
                    return new Checkpoint(header, tensors);
                }
                if (!frame.hasTensor()) {
                    throw corrupt("expected a tensor header or the end marker, found a " + frame.getKindCase());
                }
                StoredTensor tensor = readTensor(frame.getTensor());
                if (tensors.putIfAbsent(tensor.name(), tensor) != null) {
                    throw corrupt("two tensors are named " + tensor.name());
                }
            }
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
            Frame first = nextFrame("the header");
            if (!first.hasHeader()) {
                throw corrupt("the first frame is a " + first.getKindCase() + ", not the header");
            }
            Header header = first.getHeader();
            if (header.getFormatVersion() != FORMAT_VERSION) {
                throw new CheckpointException("checkpoint " + file + " has format version " + header.getFormatVersion()
                        + "; this Quire reads version " + FORMAT_VERSION
                        + (header.getFormatVersion() > FORMAT_VERSION ? " (it was written by a newer Quire)" : ""));
            }
            return header;
        }

        private StoredTensor readTensor(TensorHeader header) throws IOException {
            String name = header.getName();
            if (name.isEmpty()) {
                throw corrupt("a tensor has no name");
            }
            if (!"float32".equals(header.getDtype())) {
                throw corrupt("tensor " + name + " has dtype '" + header.getDtype() + "'; version 1 stores float32 only");
            }
            int[] shape = new int[header.getShapeCount()];
            long count = 1;
            try {
                for (int i = 0; i < shape.length; i++) {
                    long dim = header.getShape(i);
                    if (dim < 0 || dim > Integer.MAX_VALUE) {
                        throw corrupt("tensor " + name + " has dimension " + dim + " in shape " + header.getShapeList());
                    }
                    shape[i] = (int) dim;
                    count = Math.multiplyExact(count, dim);
                }
                Math.multiplyExact(count, (long) Float.BYTES);
            } catch (ArithmeticException e) {
                throw corrupt("tensor " + name + " has shape " + header.getShapeList() + " whose size overflows");
            }
            if (count != header.getElementCount()) {
                throw corrupt("tensor " + name + " has shape " + header.getShapeList() + " (" + count
                        + " values) but declares " + header.getElementCount() + " values");
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw corrupt("tensor " + name + " has " + count + " values, more than a Java array holds");
            }
            long bytes = count * Float.BYTES;
            if (bytes > size - position) {
                throw corrupt("tensor " + name + " needs " + bytes + " bytes but only " + (size - position) + " remain");
            }
            long chunks = Integer.toUnsignedLong(header.getChunkCount());
            if (chunks > bytes / Float.BYTES || (bytes > 0 && chunks == 0)) {
                throw corrupt("tensor " + name + " declares " + chunks + " chunks for " + bytes + " bytes");
            }
            float[] data = new float[(int) count];
            var crc = new CRC32C();
            int filled = 0;
            for (long c = 0; c < chunks; c++) {
                Frame frame = nextFrame("chunk " + (c + 1) + " of tensor " + name);
                if (!frame.hasChunk()) {
                    throw corrupt("expected chunk " + (c + 1) + " of " + chunks + " of tensor " + name + ", found a "
                            + frame.getKindCase());
                }
                ByteString chunk = frame.getChunk().getData();
                if (chunk.size() % Float.BYTES != 0 || chunk.size() / Float.BYTES > data.length - filled) {
                    throw corrupt("chunk " + (c + 1) + " of tensor " + name + " has " + chunk.size()
                            + " bytes, which does not fit the " + ((long) (data.length - filled) * Float.BYTES)
                            + " bytes left of the tensor");
                }
                ByteBuffer buffer = chunk.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                crc.update(buffer.duplicate());
                int n = chunk.size() / Float.BYTES;
                buffer.asFloatBuffer().get(data, filled, n);
                filled += n;
            }
            if (filled != data.length) {
                throw corrupt("tensor " + name + " has " + filled + " of its " + data.length + " values");
            }
            if ((int) crc.getValue() != header.getCrc32C()) {
                throw corrupt(String.format("tensor %s fails its CRC32C check (stored %08x, computed %08x)", name,
                        header.getCrc32C(), (int) crc.getValue()));
            }
            return new StoredTensor(name, shape, data);
        }

        private Frame nextFrame(String expected) throws IOException {
            if (position >= size) {
                throw corrupt("the file ends where " + expected + " should be (truncated?)");
            }
            long length = readVarint();
            if (length > MAX_FRAME_BYTES) {
                throw corrupt("a frame declares " + length + " bytes, more than the " + MAX_FRAME_BYTES + " allowed");
            }
            if (length > size - position) {
                throw corrupt("a frame declares " + length + " bytes but only " + (size - position) + " remain (truncated?)");
            }
            byte[] bytes = readBytes((int) length);
            try {
                return Frame.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw corrupt("a frame where " + expected + " should be does not parse: " + e.getMessage());
            }
        }

        private long readVarint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    throw corrupt("the file ends inside a frame length");
                }
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
            position += read;
            if (read != n) {
                throw corrupt("the file ends early", new EOFException());
            }
            return bytes;
        }

        private CheckpointException corrupt(String problem, Throwable cause) {
            var e = corrupt(problem);
            e.initCause(cause);
            return e;
        }
    }
}
