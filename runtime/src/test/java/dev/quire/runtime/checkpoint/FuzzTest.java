package dev.quire.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.Parameter;
import dev.quire.api.TrainingContext;
import dev.quire.model.CharTokenizer;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.model.TrainerState;
import dev.quire.runtime.checkpoint.proto.End;
import dev.quire.runtime.checkpoint.proto.Frame;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.checkpoint.proto.TensorHeader;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.ModelOptions;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files: 10,000 mutations of a tiny model's checkpoint (bit flips, truncations, inflated
 * lengths and shapes, duplicated and reordered frames, altered headers and data, with and without
 * repaired checksums so that the deeper checks are reached) must each either be refused with a
 * {@link CheckpointException} or load completely and correctly; never another exception, an
 * OutOfMemoryError, a hang, or a partial model.
 */
class FuzzTest {

    static final int MUTATIONS = 10_000;

    static Discovery.Components components;
    /** Set by whichever test class discovered the components. */
    static ComponentCatalog catalog;

    @TempDir
    Path dir;

    @BeforeAll
    static void discover() {
        components = Discovery.discover(java.util.Optional.empty(), List.of());
        catalog = components.catalog();
    }

    @AfterAll
    static void close() {
        components.close();
    }

    private static ComponentChoice choice(String role, ComponentKind kind, String id) {
        var entry = catalog.require(kind, id);
        return new ComponentChoice(role, entry.descriptor(), entry.defaultOptions());
    }

    /** A 1-layer, width-8 model trained one AdamW step, saved with its trainer state. */
    static void saveTinyModel(Path file) {
        String text = "abcdefgh ijk.\n";
        var tokenizer = CharTokenizer.train(text);
        var options = new ModelOptions(1, 2, 8, 8, true, true, Tensor.Gelu.TANH, 1e-5f);
        var attention = choice("model.attention", ComponentKind.ATTENTION, "standard");
        var positional = choice("model.positional", ComponentKind.POSITIONAL_ENCODING, "learned");
        var optimizerChoice = choice("optimizer", ComponentKind.OPTIMIZER, "adamw");
        var model = new Gpt(options.toGptConfig(tokenizer.vocabSize()),
                (dev.quire.api.Attention) catalog.require(ComponentKind.ATTENTION, "standard").create(attention.options()),
                (dev.quire.api.PositionalEncoding) catalog.require(ComponentKind.POSITIONAL_ENCODING, "learned")
                        .create(positional.options()), List.of(), 5);
        Optimizer optimizer = ((OptimizerFactory) catalog.require(ComponentKind.OPTIMIZER, "adamw")
                .create(optimizerChoice.options())).create(model.optimizerGroups());
        int[] tokens = tokenizer.encode(text);
        var rng = new Rng(9);
        optimizer.zeroGrad();
        model.loss(Arrays.copyOf(tokens, 8), Arrays.copyOfRange(tokens, 1, 9), 1, 8,
                new TrainingContext(true, 0, rng), 0f).backward();
        optimizer.step();
        ModelCheckpoints.save(file, new ModelCheckpoints.Snapshot(model, options, tokenizer,
                List.of(choice("tokenizer", ComponentKind.TOKENIZER, "char"), attention, positional, optimizerChoice),
                optimizer, new TrainerState(1, rng.state()), 10, 2.5, 1, Map.of("kind", "latest")));
    }

    /** The frames of a checkpoint (after the magic bytes). */
    static List<Frame> frames(byte[] bytes) throws IOException {
        var in = CodedInputStream.newInstance(bytes, 8, bytes.length - 8);
        var frames = new ArrayList<Frame>();
        while (!in.isAtEnd()) {
            int length = in.readRawVarint32();
            frames.add(Frame.parseFrom(in.readRawBytes(length)));
        }
        return frames;
    }

    /** Magic, the frames, and (if the last frame is an end marker) a correct whole-file CRC in it. */
    static byte[] assemble(List<Frame> frames) {
        try {
            var out = new ByteArrayOutputStream();
            out.write(Checkpoints.MAGIC);
            for (int i = 0; i < frames.size(); i++) {
                Frame frame = frames.get(i);
                if (i == frames.size() - 1 && frame.hasEnd()) {
                    var crc = new CRC32C();
                    crc.update(out.toByteArray());
                    frame = Frame.newBuilder().setEnd(frame.getEnd().toBuilder().setFileCrc32C((int) crc.getValue())).build();
                }
                frame.writeDelimitedTo(out);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the last 4 bytes (the end marker's fixed32 file CRC) to match the bytes before the end frame. */
    static byte[] repairFileCrc(byte[] bytes, int endFrameOffset) {
        if (endFrameOffset > bytes.length - 4) {
            return bytes;
        }
        var crc = new CRC32C();
        crc.update(bytes, 0, endFrameOffset);
        int value = (int) crc.getValue();
        byte[] copy = bytes.clone();
        for (int i = 0; i < 4; i++) {
            copy[copy.length - 4 + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    static int crc(ByteString data) {
        var crc = new CRC32C();
        crc.update(data.asReadOnlyByteBuffer());
        return (int) crc.getValue();
    }

    /** Sets tensor {@code index}'s header in both the table and its frame. */
    static List<Frame> withTensor(List<Frame> frames, int index, TensorHeader changed) {
        var out = new ArrayList<>(frames);
        Header header = out.getFirst().getHeader();
        String name = header.getTensors(index).getName();
        out.set(0, Frame.newBuilder().setHeader(header.toBuilder().setTensors(index, changed)).build());
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).hasTensor() && out.get(i).getTensor().getName().equals(name)) {
                out.set(i, Frame.newBuilder().setTensor(changed).build());
            }
        }
        return out;
    }

    /** One mutation of {@code base}; {@code kind} picks the family. */
    static byte[] mutate(byte[] base, List<Frame> frames, int endOffset, Rng rng, int kind) {
        switch (kind) {
            case 0 -> { // raw bit flips
                byte[] b = base.clone();
                int flips = 1 + rng.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = rng.nextInt(b.length);
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                }
                return b;
            }
            case 1 -> { // bit flips with the file CRC repaired, so that only the structural checks can catch them
                byte[] b = base.clone();
                int at = rng.nextInt(endOffset);
                b[at] ^= (byte) (1 << rng.nextInt(8));
                return repairFileCrc(b, endOffset);
            }
            case 2 -> { // truncation
                return Arrays.copyOf(base, rng.nextInt(base.length));
            }
            case 3 -> { // a frame's length prefix inflated (raw)
                var out = new ByteArrayOutputStream();
                out.write(base, 0, 8);
                int target = rng.nextInt(frames.size());
                long[] inflated = {1L << 31, (1L << 26) + 1, Integer.MAX_VALUE, 0xFFFFFFFFL, 1L << 40, Long.MAX_VALUE,
                        frames.get(target).getSerializedSize() + 1 + rng.nextInt(100)};
                for (int i = 0; i < frames.size(); i++) {
                    byte[] body = frames.get(i).toByteArray();
                    long length = i == target ? inflated[rng.nextInt(inflated.length)] : body.length;
                    writeVarint(out, length);
                    out.write(body, 0, body.length);
                }
                return out.toByteArray();
            }
            case 4 -> { // inflated or inconsistent shapes and counts, every checksum valid
                Header header = frames.getFirst().getHeader();
                int index = rng.nextInt(header.getTensorsCount());
                TensorHeader t = header.getTensors(index);
                var b = t.toBuilder();
                long[] dims = {0, 1, 1_000_000, 1L << 31, 1L << 40, -1, Long.MAX_VALUE, Integer.MAX_VALUE, 3};
                switch (rng.nextInt(6)) {
                    case 0 -> b.clearShape().addShape(1_000_000).addShape(1_000_000).setElementCount(1_000_000_000_000L);
                    case 1 -> b.setShape(rng.nextInt(Math.max(1, t.getShapeCount())) % Math.max(1, t.getShapeCount()),
                            dims[rng.nextInt(dims.length)]);
                    case 2 -> b.setElementCount(dims[rng.nextInt(dims.length)]);
                    case 3 -> b.setChunkCount(rng.nextInt(5) == 0 ? -1 : rng.nextInt(4));
                    case 4 -> {
                        long n = t.getElementCount();
                        b.clearShape().addShape(n).addShape(1); // same size, other shape: the model must refuse it
                    }
                    default -> {
                        b.clearShape();
                        for (int i = 0; i < 1 + rng.nextInt(20); i++) {
                            b.addShape(1 + rng.nextInt(3));
                        }
                        long n = 1;
                        for (long d : b.getShapeList()) {
                            n *= d;
                        }
                        b.setElementCount(n);
                    }
                }
                if (b.getShapeCount() == 0 && rng.nextBoolean()) {
                    b.addShape(0);
                }
                return assemble(withTensor(frames, index, b.build()));
            }
            case 5 -> { // a frame duplicated
                var out = new ArrayList<>(frames);
                int i = rng.nextInt(out.size());
                out.add(i + rng.nextInt(out.size() - i + 1), out.get(i));
                return assemble(out);
            }
            case 6 -> { // two frames swapped, or one moved
                var out = new ArrayList<>(frames);
                int i = rng.nextInt(out.size());
                int j = rng.nextInt(out.size());
                if (rng.nextBoolean()) {
                    java.util.Collections.swap(out, i, j);
                } else {
                    out.add(j, out.remove(i));
                }
                return assemble(out);
            }
            case 7 -> { // the header changed, every checksum valid
                var out = new ArrayList<>(frames);
                var h = out.getFirst().getHeader().toBuilder();
                var m = h.getModel().toBuilder();
                switch (rng.nextInt(14)) {
                    case 0 -> m.setVocabSize(new int[] {0, -1, 1 << 30, Integer.MAX_VALUE, 3, h.getModel().getVocabSize() + 1}[rng.nextInt(6)]);
                    case 1 -> m.setLayers(new int[] {0, -5, 1 << 20, 2, 1000}[rng.nextInt(5)]);
                    case 2 -> m.setWidth(new int[] {0, 6, 16, 1 << 16, Integer.MAX_VALUE}[rng.nextInt(5)]);
                    case 3 -> m.setContext(new int[] {0, 4, 9, 1 << 24, Integer.MAX_VALUE}[rng.nextInt(5)]);
                    case 4 -> m.setHeads(new int[] {0, 3, 4, 8, -2}[rng.nextInt(5)]);
                    case 5 -> m.setOptionsJson(new String[] {"{", "[1,2]", "{\"layers\": 1e99}", "{\"width\": 16}", "",
                            "{\"layers\": 1, \"heads\": 2, \"width\": 8, \"context\": 8, \"bias\": true, \"tiedHead\": true, \"gelu\": \"tanh\", \"oops\": 1}",
                            "&a [*a, *a]"}[rng.nextInt(7)]);
                    case 6 -> m.setGelu(new String[] {"", "relu", "EXACT", "tanh"}[rng.nextInt(4)]);
                    case 7 -> {
                        byte[] state = h.getTokenizer().getState().toByteArray();
                        if (state.length > 0) {
                            state[rng.nextInt(state.length)] ^= (byte) (1 << rng.nextInt(8));
                        }
                        if (rng.nextBoolean()) {
                            state = Arrays.copyOf(state, rng.nextInt(state.length + 8));
                        }
                        h.setTokenizer(h.getTokenizer().toBuilder().setState(ByteString.copyFrom(state)));
                    }
                    case 8 -> h.setTokenizer(h.getTokenizer().toBuilder().setFactoryId(new String[] {"", "bpe", "nope", "wordpiece"}[rng.nextInt(4)]));
                    case 9 -> h.setRngState(ByteString.copyFrom(new byte[new int[] {0, 8, 32, 31, 40}[rng.nextInt(5)]]));
                    case 10 -> h.setStep(new long[] {-1, 11, Long.MAX_VALUE, 0}[rng.nextInt(4)]);
                    case 11 -> {
                        int c = rng.nextInt(h.getComponentsCount());
                        h.setComponents(c, h.getComponents(c).toBuilder()
                                .setId(new String[] {"flash", "nope", "sinusoidal", "sgd"}[rng.nextInt(4)])
                                .setOptionsJson(new String[] {"", "{", "{\"lr\": -1}", "{\"x\": 1}"}[rng.nextInt(4)]));
                    }
                    case 12 -> h.setFormatVersion(new int[] {0, 2, -1, 1}[rng.nextInt(4)]);
                    default -> h.putOptimizerScalars(new String[] {"lr", "transformer.wte.weight.step", "zzz"}[rng.nextInt(3)],
                            new double[] {Double.NaN, -1, 0.5, 1e300}[rng.nextInt(4)]);
                }
                h.setModel(m);
                out.set(0, Frame.newBuilder().setHeader(h).build());
                return assemble(out);
            }
            case 8 -> { // tensor data changed with every checksum repaired: a valid file of other weights
                var out = new ArrayList<>(frames);
                int i;
                do {
                    i = rng.nextInt(out.size());
                } while (!out.get(i).hasChunk());
                byte[] data = out.get(i).getChunk().getData().toByteArray();
                data[rng.nextInt(data.length)] ^= (byte) (1 << rng.nextInt(8));
                if (rng.nextInt(4) == 0) {
                    data = Arrays.copyOf(data, rng.nextInt(data.length + 1) & ~3);
                }
                ByteString chunk = ByteString.copyFrom(data);
                out.set(i, Frame.newBuilder().setChunk(out.get(i).getChunk().toBuilder().setData(chunk)).build());
                TensorHeader owner = out.get(i - 1).getTensor(); // every tensor of this model has one chunk
                Header header = out.getFirst().getHeader();
                int index = header.getTensorsList().indexOf(owner);
                return assemble(withTensor(out, index, owner.toBuilder().setCrc32C(crc(chunk)).build()));
            }
            default -> { // garbage inserted or appended
                byte[] garbage = new byte[1 + rng.nextInt(64)];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = (byte) rng.nextInt(256);
                }
                int at = rng.nextBoolean() ? base.length : rng.nextInt(base.length);
                byte[] b = new byte[base.length + garbage.length];
                System.arraycopy(base, 0, b, 0, at);
                System.arraycopy(garbage, 0, b, at, garbage.length);
                System.arraycopy(base, at, b, at + garbage.length, base.length - at);
                return b;
            }
        }
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Loads {@code file} as inspect, generate and resume would, and checks that the model holds exactly the file's weights. */
    static void loadCompletely(Path file) {
        Checkpoints.readHeader(file); // what inspect reads
        Checkpoint checkpoint = Checkpoints.read(file);
        var restored = ModelCheckpoints.restore(file, checkpoint, catalog);
        ModelCheckpoints.trainerState(file, checkpoint);
        Optimizer optimizer = ((OptimizerFactory) catalog.require(ComponentKind.OPTIMIZER, "adamw")
                .create(catalog.require(ComponentKind.OPTIMIZER, "adamw").defaultOptions()))
                .create(restored.model().optimizerGroups());
        ModelCheckpoints.loadOptimizer(file, checkpoint, optimizer);
        // Loaded: the model must hold exactly the file's weights, every one of them.
        List<Parameter> parameters = restored.model().parameters();
        long modelTensors = checkpoint.tensors().keySet().stream().filter(n -> n.startsWith(ModelCheckpoints.MODEL_PREFIX)).count();
        assertThat(modelTensors).isEqualTo(parameters.size());
        for (Parameter p : parameters) {
            StoredTensor stored = checkpoint.tensors().get(ModelCheckpoints.MODEL_PREFIX + p.name());
            assertThat(stored.shape()).isEqualTo(p.value().shape());
            float[] a = stored.data();
            float[] b = p.value().data();
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError("partial model: " + p.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void tenThousandMutationsAreRefusedOrLoadCorrectly() throws IOException {
        Path original = dir.resolve("original.pb");
        saveTinyModel(original);
        loadCompletely(original);
        byte[] base = Files.readAllBytes(original);
        List<Frame> frames = frames(base);
        assertThat(assemble(frames)).as("re-assembling reproduces the file").isEqualTo(base);
        int endOffset = base.length - frames.getLast().getSerializedSize() - 1;
        Path file = dir.resolve("mutant.pb");
        int[] refused = new int[10];
        int[] loaded = new int[10];
        var messages = new TreeMap<String, Integer>();
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            var rng = new Rng(20261128);
            for (int m = 0; m < MUTATIONS; m++) {
                int kind = m % 10;
                byte[] mutant = mutate(base, frames, endOffset, rng, kind);
                Files.write(file, mutant);
                long t0 = System.nanoTime();
                try {
                    loadCompletely(file);
                    loaded[kind]++;
                } catch (CheckpointException e) {
                    refused[kind]++;
                    assertThat(e.getMessage()).as("mutation %d names the file", m).contains("mutant.pb");
                    String key = e.getMessage().replaceAll("[0-9a-f]{8}|\\d+", "#");
                    messages.merge(key.substring(0, Math.min(key.length(), 110)), 1, Integer::sum);
                } catch (Throwable t) {
                    Path kept = Files.write(dir.getParent().resolve("fuzz-failure-" + m + ".pb"), mutant);
                    throw new AssertionError("mutation " + m + " (kind " + kind + ", kept as " + kept + ") gave "
                            + t.getClass().getName() + " instead of a CheckpointException", t);
                }
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("mutation %d (kind %d) took %d ms", m, kind, millis).isLessThan(5_000);
            }
        });
        System.out.println("fuzz: refused " + Arrays.toString(refused) + ", loaded " + Arrays.toString(loaded)
                + "; " + messages.size() + " distinct messages");
        assertThat(Arrays.stream(refused).sum() + Arrays.stream(loaded).sum()).isEqualTo(MUTATIONS);
        assertThat(Arrays.stream(refused).sum()).isGreaterThan(MUTATIONS * 8 / 10);
        assertThat(loaded[8]).as("valid files with other weights load").isPositive();
    }

    @Test
    void aTrillionElementTensorInASmallFileIsRefusedBeforeAllocating() throws IOException {
        Path original = dir.resolve("original.pb");
        saveTinyModel(original);
        List<Frame> frames = frames(Files.readAllBytes(original));
        TensorHeader first = frames.getFirst().getHeader().getTensors(0);
        for (var shape : List.of(List.of(1_000_000L, 1_000_000L), List.of(10_000L, 10_000L))) {
            long count = shape.get(0) * shape.get(1);
            long chunks = (count * 4 + Checkpoints.MAX_CHUNK_BYTES - 1) / Checkpoints.MAX_CHUNK_BYTES;
            var huge = first.toBuilder().clearShape().addAllShape(shape).setElementCount(count)
                    .setChunkCount((int) chunks).build();
            Path file = Files.write(dir.resolve("huge.pb"), assemble(withTensor(frames, 0, huge)));
            assertThat(Files.size(file)).isLessThan(40_000);
            long before = allocatedBytes();
            assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("huge.pb")
                    .hasMessageContaining(count == 1_000_000_000_000L
                            ? "has 1000000000000 values, more than the 2147483639 a tensor may hold"
                            : "the header's tensor table needs 400");
            assertThatThrownBy(() -> Checkpoints.readHeader(file)).isInstanceOf(CheckpointException.class);
            long allocated = allocatedBytes() - before;
            if (before >= 0) {
                assertThat(allocated).as("bytes allocated while refusing it").isLessThan(4L << 20);
            }
        }
    }

    /** Bytes this thread has allocated so far, or -1 where the JVM does not say. */
    static long allocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }
}
