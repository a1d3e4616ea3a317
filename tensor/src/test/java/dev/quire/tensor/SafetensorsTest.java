package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.weight", Tensor.of(new float[] {1.5f, -2f, 3f, Float.MIN_VALUE, Float.MAX_VALUE, -0f}, 2, 3));
        in.put("a.bias", Tensor.of(new float[] {7f}, 1));
        in.put("scalar", Tensor.scalar(42f));
        in.put("empty", Tensor.zeros(0, 4));
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, in, Map.of("step", "12", "note", "quote \" and \\ and ünïcode"));

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header.indexOf("\"a.bias\"")).isLessThan(header.indexOf("\"empty\""));
        assertThat(bytes.length).isEqualTo(8 + headerLen + 4 * (6 + 1 + 1));

        Map<String, Tensor> out = Safetensors.read(file);
        assertThat(out.keySet()).containsExactly("a.bias", "empty", "scalar", "z.weight");
        for (var e : in.entrySet()) {
            assertThat(out.get(e.getKey()).shape()).containsExactly(e.getValue().shape());
            assertThat(out.get(e.getKey()).data()).containsExactly(e.getValue().data());
        }
        try (SafetensorsFile f = Safetensors.open(file)) {
            assertThat(f.metadata()).containsEntry("step", "12").containsEntry("note", "quote \" and \\ and ünïcode");
            assertThat(f.info("z.weight")).isEqualTo(new TensorInfo("F32", new int[] {2, 3}));
            assertThat(f.f64("a.bias")).containsExactly(7.0);
            assertThatThrownBy(() -> f.i64("a.bias")).isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining(file.toString());
            assertThatThrownBy(() -> f.f32("missing")).isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("missing");
        }
        // Overwriting replaces the file whole.
        Safetensors.write(file, Map.of("only", Tensor.ones(2)), null);
        assertThat(Safetensors.read(file).keySet()).containsExactly("only");
    }

    @Test
    void readsTheReferenceFilesHeaders() {
        try (SafetensorsFile f = Safetensors.open(SharedFiles.reference("cross_entropy.safetensors"))) {
            assertThat(f.names()).contains("logits", "targets", "expected.ls0.0.loss", "expected.ls0.1.grad");
            assertThat(f.info("targets").dtype()).isEqualTo("I64");
            assertThat(f.info("expected.ls0.1.grad")).isEqualTo(new TensorInfo("F64", new int[] {24, 11}));
            assertThat(f.metadata()).containsKey("label_smoothing");
        }
        Map<String, Tensor> all = Safetensors.read(SharedFiles.reference("cross_entropy.safetensors"));
        assertThat(all.get("logits").shape()).containsExactly(24, 11);
        assertThat(all.get("targets").data()).contains(-100f);
        try (SafetensorsFile f = Safetensors.open(SharedFiles.reference("gpt_tiny.safetensors"))) {
            assertThat(f.names()).isNotEmpty();
            for (String name : f.names()) {
                assertThat(f.info(name).dtype()).isIn("F32", "F64", "I64");
            }
        }
    }

    /** A file with the given JSON header and {@code dataBytes} zero bytes of data. */
    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void assertBad(Path p, String what) {
        assertThatThrownBy(() -> Safetensors.open(p)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining(what);
        assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(p.toString());
    }

    @Test
    void badFilesNameTheFileAndTheProblem() throws IOException {
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, new byte[] {1, 2, 3});
        assertBad(truncated, "too short");

        Path good = file("good.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThat(Safetensors.read(good).get("x").shape()).containsExactly(2);
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, 20));
        assertBad(cut, "larger than the file");

        assertBad(file("range.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "out of range");
        assertBad(file("overlap.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertBad(file("dtype.safetensors", "{\"x\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
                "unknown dtype \"Q7\"");
        assertBad(file("size.safetensors", "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
                "needs 16");
        assertBad(file("json.safetensors", "{\"x\":{\"dtype\":", 8), "not valid JSON");
        assertBad(file("negative.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8),
                "bad shape");
        assertBad(file("meta.safetensors", "{\"__metadata__\":{\"a\":1}}", 0), "not a string");
        Path missing = dir.resolve("missing.safetensors");
        assertBad(missing, "cannot read");
    }
}
