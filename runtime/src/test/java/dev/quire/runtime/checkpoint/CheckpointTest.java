package dev.quire.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    static Discovery.Components components;
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

    /** A trained-a-little model with AdamW state, saved; returns what was saved. */
    private record Saved(Gpt model, CharTokenizer tokenizer, Optimizer optimizer, TrainerState trainer) {
    }

    private Saved saveSmallModel(Path file) {
        var tokenizer = CharTokenizer.train("hello world, a small corpus.\n");
        var options = new ModelOptions(1, 2, 16, 8, true, false, Tensor.Gelu.TANH, 1e-5f);
        var attention = choice("model.attention", ComponentKind.ATTENTION, "standard");
        var positional = choice("model.positional", ComponentKind.POSITIONAL_ENCODING, "learned");
        var optimizerChoice = choice("optimizer", ComponentKind.OPTIMIZER, "adamw");
        var model = new Gpt(options.toGptConfig(tokenizer.vocabSize()),
                (dev.quire.api.Attention) catalog.require(ComponentKind.ATTENTION, "standard").create(attention.options()),
                (dev.quire.api.PositionalEncoding) catalog.require(ComponentKind.POSITIONAL_ENCODING, "learned")
                        .create(positional.options()), List.of(), 42);
        Optimizer optimizer = ((OptimizerFactory) catalog.require(ComponentKind.OPTIMIZER, "adamw")
                .create(optimizerChoice.options())).create(model.optimizerGroups());
        int[] tokens = tokenizer.encode("hello world, a small corpus.\n");
        var rng = new Rng(3);
        for (int step = 0; step < 2; step++) {
            optimizer.zeroGrad();
            model.loss(java.util.Arrays.copyOf(tokens, 8), java.util.Arrays.copyOfRange(tokens, 1, 9), 1, 8,
                    new TrainingContext(true, step, rng), 0f).backward();
            optimizer.step();
        }
        var trainer = new TrainerState(2, rng.state());
        ModelCheckpoints.save(file, new ModelCheckpoints.Snapshot(model, options, tokenizer,
                List.of(choice("tokenizer", ComponentKind.TOKENIZER, "char"), attention, positional, optimizerChoice),
                optimizer, trainer, 10, 1.5, 2, Map.of("kind", "latest")));
        return new Saved(model, tokenizer, optimizer, trainer);
    }

    @Test
    void regularizerStateRoundTripsByIndexAndADamagedKeyIsNamed() {
        Path file = dir.resolve("r.pb");
        saveSmallModel(file);
        Checkpoint plain = Checkpoints.read(file);
        assertThat(ModelCheckpoints.trainerState(plain).orElseThrow().regularizers()).isEmpty();

        // Index 0 keeps nothing, index 2 two numbers: the state comes back one map per regularizer.
        var header = plain.header().toBuilder().putRegularizerState("2.best", 1.25)
                .putRegularizerState("2.validations_since_best", 3.0).build();
        Checkpoints.write(file, header, plain.tensors().values());
        assertThat(ModelCheckpoints.trainerState(file, Checkpoints.read(file)).orElseThrow().regularizers())
                .containsExactly(Map.of(), Map.of(), Map.of("best", 1.25, "validations_since_best", 3.0));

        for (String bad : List.of("best", "x.best", "-1.best", "2.", "1000.best")) {
            Checkpoints.write(file, plain.header().toBuilder().putRegularizerState(bad, 1.0).build(), plain.tensors().values());
            Checkpoint damaged = Checkpoints.read(file);
            assertThatThrownBy(() -> ModelCheckpoints.trainerState(file, damaged)).as(bad)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("<index>.<name>");
        }
    }

    @Test
    void roundTripIsBitForBit() {
        Path file = dir.resolve("c.pb");
        Saved saved = saveSmallModel(file);
        Checkpoint checkpoint = Checkpoints.read(file);
        assertThat(checkpoint.header().getFormatVersion()).isEqualTo(Checkpoints.FORMAT_VERSION);
        assertThat(checkpoint.header().getStep()).isEqualTo(2);
        assertThat(checkpoint.header().getMetadataMap()).containsEntry("kind", "latest");
        assertThat(Checkpoints.readHeader(file)).isEqualTo(checkpoint.header());
        var restored = ModelCheckpoints.restore(file, checkpoint, catalog);
        assertThat(restored.tokenizer()).isEqualTo(saved.tokenizer());
        assertThat(restored.modelOptions()).isEqualTo(ModelOptions.of(saved.model().config()));
        List<Parameter> before = saved.model().parameters();
        List<Parameter> after = restored.model().parameters();
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i).name()).isEqualTo(before.get(i).name());
            assertThat(after.get(i).value().shape()).isEqualTo(before.get(i).value().shape());
            assertThat(floatBits(after.get(i).value().data())).isEqualTo(floatBits(before.get(i).value().data()));
        }
        var optimizerState = ModelCheckpoints.optimizerState(checkpoint).orElseThrow();
        var expected = saved.optimizer().state();
        assertThat(optimizerState.optimizerId()).isEqualTo(expected.optimizerId());
        assertThat(optimizerState.scalars()).isEqualTo(expected.scalars());
        assertThat(optimizerState.buffers().keySet()).isEqualTo(expected.buffers().keySet());
        expected.buffers().forEach((k, v) -> assertThat(floatBits(optimizerState.buffers().get(k))).isEqualTo(floatBits(v)));
        var trainer = ModelCheckpoints.trainerState(checkpoint).orElseThrow();
        assertThat(trainer.step()).isEqualTo(2);
        assertThat(trainer.rngState()).isEqualTo(saved.trainer().rngState());
        // The same file written again is identical apart from its timestamp.
        assertThat(checkpoint.header().getComponentsList()).extracting(c -> c.getRole())
                .containsExactly("tokenizer", "model.attention", "model.positional", "optimizer");
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void largeTensorsAreChunked() {
        Path file = dir.resolve("big.pb");
        float[] data = new float[Checkpoints.CHUNK_FLOATS * 2 + 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f;
        }
        Checkpoints.write(file, Header.newBuilder().build(), List.of(new StoredTensor("t", new int[] {data.length}, data)));
        var read = Checkpoints.read(file);
        assertThat(read.tensors().get("t").data()).isEqualTo(data);
    }

    @Test
    void atomicWriteLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("c.pb");
        saveSmallModel(file);
        saveSmallModel(file);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("c.pb");
        }
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> Checkpoints.read(dir.resolve("none.pb"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("none.pb does not exist");
    }

    @Test
    void notACheckpoint() throws IOException {
        Path file = Files.writeString(dir.resolve("x.pb"), "hello, I am text and not a checkpoint");
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("x.pb is not a Quire checkpoint");
    }

    @Test
    void truncatedAnywhere() throws IOException {
        Path file = dir.resolve("c.pb");
        saveSmallModel(file);
        byte[] bytes = Files.readAllBytes(file);
        for (int cut : new int[] {4, 9, 20, bytes.length / 2, bytes.length - 3, bytes.length - 1}) {
            Path truncated = Files.write(dir.resolve("t" + cut + ".pb"), java.util.Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> Checkpoints.read(truncated)).as("cut at " + cut)
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("t" + cut + ".pb");
        }
    }

    @Test
    void flippedBitInTensorDataFailsTheCrc() throws IOException {
        Path file = dir.resolve("c.pb");
        float[] data = new float[1000];
        java.util.Arrays.fill(data, 0.25f);
        Checkpoints.write(file, Header.newBuilder().build(), List.of(new StoredTensor("w", new int[] {10, 100}, data)));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 100] ^= 0x10; // inside the tensor's data (only the end marker follows it)
        Files.write(file, bytes);
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("fails its CRC32C check");
    }

    @Test
    void trailingBytes() throws IOException {
        Path file = dir.resolve("c.pb");
        saveSmallModel(file);
        Files.write(file, new byte[] {0, 0}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("2 unexpected bytes after the end marker");
    }

    /** A file of {@code header} (its tensor table made of the tensor frames) and the frames, as given. */
    private Path craft(Header header, Frame... frames) throws IOException {
        var out = new ByteArrayOutputStream();
        out.write(Checkpoints.MAGIC);
        var withTable = header.toBuilder();
        for (Frame frame : frames) {
            if (frame.hasTensor()) {
                withTable.addTensors(frame.getTensor());
            }
        }
        Frame.newBuilder().setHeader(withTable).build().writeDelimitedTo(out);
        for (Frame frame : frames) {
            frame.writeDelimitedTo(out);
        }
        return Files.write(dir.resolve("crafted.pb"), out.toByteArray());
    }

    @Test
    void unknownFormatVersion() throws IOException {
        Path file = craft(Header.newBuilder().setFormatVersion(7).build(),
                Frame.newBuilder().setEnd(End.newBuilder()).build());
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("format version 7; this Quire reads version 1 (it was written by a newer Quire)");
    }

    @Test
    void shapeOverflowIsCaughtBeforeAllocating() throws IOException {
        var tensor = TensorHeader.newBuilder().setName("huge").setDtype("float32")
                .addShape(1L << 40).addShape(1L << 40).setElementCount(1).setChunkCount(1);
        Path file = craft(Header.newBuilder().setFormatVersion(1).build(), Frame.newBuilder().setTensor(tensor).build());
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor huge has dimension 1099511627776");
        var overflow = TensorHeader.newBuilder().setName("huge").setDtype("float32")
                .addShape(1 << 20).addShape(1 << 20).addShape(1 << 20).addShape(1 << 20)
                .setElementCount(1).setChunkCount(1);
        Path file2 = craft(Header.newBuilder().setFormatVersion(1).build(), Frame.newBuilder().setTensor(overflow).build());
        assertThatThrownBy(() -> Checkpoints.read(file2)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("whose size overflows");
    }

    @Test
    void tensorLargerThanTheFile() throws IOException {
        var tensor = TensorHeader.newBuilder().setName("w").setDtype("float32").addShape(1000).addShape(1000)
                .setElementCount(1_000_000).setChunkCount(1);
        Path file = craft(Header.newBuilder().setFormatVersion(1).build(), Frame.newBuilder().setTensor(tensor).build());
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("the header's tensor table needs 4000000 bytes of tensor data but only");
    }

    @Test
    void frameLengthBeyondTheFile() throws IOException {
        var out = new ByteArrayOutputStream();
        out.write(Checkpoints.MAGIC);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}); // varint ~ 268 million
        Path file = Files.write(dir.resolve("long.pb"), out.toByteArray());
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("the frame of the header declares 268435455 bytes, more than the 67108864 allowed");
    }

    @Test
    void wrongTensorCountInEndMarker() throws IOException {
        var tensor = TensorHeader.newBuilder().setName("w").setDtype("float32").addShape(1).setElementCount(1)
                .setChunkCount(1).setCrc32C(crcOf(new byte[4]));
        Path file = craft(Header.newBuilder().setFormatVersion(1).build(), Frame.newBuilder().setTensor(tensor).build(),
                Frame.newBuilder().setChunk(dev.quire.runtime.checkpoint.proto.TensorChunk.newBuilder()
                        .setData(ByteString.copyFrom(new byte[4]))).build(),
                Frame.newBuilder().setEnd(End.newBuilder().setTensorCount(3)).build());
        assertThatThrownBy(() -> Checkpoints.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("the end marker counts 3 tensors but 1 were read");
    }

    private static int crcOf(byte[] bytes) {
        var crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Test
    void generateFromACorruptCheckpointIsBadInput() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.pb"), "QUIRECKP" + "\u0005abc");
        var result = dev.quire.runtime.Cli.run("generate", "--checkpoint", file.toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("bad.pb is corrupted or not a Quire checkpoint");
    }
}
