package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsFile;
import dev.quire.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire export}, {@code import} and {@code inspect}, and their bad input. */
class InterchangeTest {

    @TempDir
    Path dir;

    static Path reference() {
        String shared = System.getProperty("quire.shared");
        assertThat(shared).as("system property quire.shared (see the parent pom)").isNotNull();
        Path file = Path.of(shared, "reference", "gpt_tiny.safetensors");
        assertThat(file).isRegularFile();
        return file;
    }

    /** The gpt_tiny model as a pipeline: 2 layers, 4 heads, width 32, context 16, biases, tied head, tanh GELU. */
    static final String GPT_TINY = """
            seed: 1
            output: out
            data: {corpus: corpus.txt, validationFraction: 0.1}
            tokenizer: {id: char}
            model: {layers: 2, heads: 4, width: 32, context: 16, bias: true, tiedHead: true, gelu: tanh,
                    attention: {id: standard}, positional: {id: learned}}
            stages:
              - pretrain: {steps: 1}
            """;

    /** Tiny Shakespeare's 65 characters, so that the character tokenizer has the reference's vocabulary. */
    static final String ALPHABET = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** The reference's weights (its F32 {@code transformer.*} tensors), as a file of weights alone. */
    private Map<String, float[]> referenceWeights(Path target) throws IOException {
        assertThat(ALPHABET).hasSize(65);
        Files.writeString(dir.resolve("corpus.txt"), ALPHABET.repeat(40));
        SafetensorsFile file = Safetensors.open(reference());
        var weights = new TreeMap<String, float[]>();
        var tensors = new TreeMap<String, Tensor>();
        for (String name : file.names()) {
            if (name.startsWith("transformer.")) {
                assertThat(file.info(name).dtype()).isEqualTo("F32");
                weights.put(name, file.f32(name));
                tensors.put(name, Tensor.of(file.f32(name), file.info(name).shape()));
            }
        }
        Safetensors.write(target, tensors, Map.of());
        return weights;
    }

    private static void assertBitsEqual(String what, float[] expected, float[] actual) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + "[" + i + "]: " + expected[i] + " != " + actual[i]);
            }
        }
    }

    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");

    /** Checks the safetensors rules: header length, JSON, keys sorted, offsets contiguous from 0 without overlap. */
    static void assertFollowsSafetensorsRules(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n).isPositive().isLessThanOrEqualTo(bytes.length - 8L);
        assertThat(n % 8).as("header padded to 8 bytes").isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).stripTrailing();
        assertThat(header).startsWith("{").endsWith("}");
        var matcher = ENTRY.matcher(header);
        var names = new ArrayList<String>();
        long expectedBegin = 0;
        while (matcher.find()) {
            names.add(matcher.group(1));
            assertThat(matcher.group(2)).isEqualTo("F32");
            long count = 1;
            for (String d : matcher.group(3).split(",")) {
                count *= d.isEmpty() ? 1 : Long.parseLong(d);
            }
            long begin = Long.parseLong(matcher.group(4));
            long end = Long.parseLong(matcher.group(5));
            assertThat(begin).as(matcher.group(1) + " starts where the previous ends").isEqualTo(expectedBegin);
            assertThat(end - begin).as(matcher.group(1) + " size").isEqualTo(4 * count);
            expectedBegin = end;
        }
        assertThat(names).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(expectedBegin).as("the data ends the file").isEqualTo(bytes.length - 8 - n);
    }

    @Test
    void gptTinyReferenceWeightsRoundTripBitExactly() throws IOException {
        Path weightsFile = dir.resolve("gpt_tiny_weights.safetensors");
        Map<String, float[]> reference = referenceWeights(weightsFile);
        Path pipeline = Cli.write(dir.resolve("gpt_tiny.yaml"), GPT_TINY);

        Path checkpoint = dir.resolve("imported.pb");
        var imported = Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", checkpoint.toString(),
                "--config", pipeline.toString());
        assertThat(imported.status()).as(imported.toString()).isZero();
        Checkpoint read = Checkpoints.read(checkpoint);
        assertThat(read.arrays("model/").keySet()).isEqualTo(reference.keySet());
        reference.forEach((name, data) -> assertBitsEqual(name, data, read.arrays("model/").get(name)));

        Path exported = dir.resolve("exported.safetensors");
        var export = Cli.run("export", "--checkpoint", checkpoint.toString(), "--safetensors", exported.toString());
        assertThat(export.status()).as(export.toString()).isZero();
        assertFollowsSafetensorsRules(exported);
        SafetensorsFile out = Safetensors.open(exported);
        assertThat(out.names()).isEqualTo(reference.keySet());
        for (String name : reference.keySet()) {
            assertThat(out.info(name).dtype()).isEqualTo("F32");
            assertBitsEqual(name, reference.get(name), out.f32(name));
        }
        assertThat(out.metadata()).containsKeys("format", "quire.header", "quire.model");
        // The same weights' bytes: the data section equals the reference weights file's.
        byte[] a = Files.readAllBytes(weightsFile);
        byte[] b = Files.readAllBytes(exported);
        assertThat(Arrays.copyOfRange(b, b.length - 4 * totalValues(reference), b.length))
                .isEqualTo(Arrays.copyOfRange(a, a.length - 4 * totalValues(reference), a.length));

        // A file written by export imports without a pipeline, to the same checkpoint weights.
        Path again = dir.resolve("again.pb");
        var reimported = Cli.run("import", "--safetensors", exported.toString(), "--checkpoint", again.toString());
        assertThat(reimported.status()).as(reimported.toString()).isZero();
        Checkpoint second = Checkpoints.read(again);
        assertThat(second.header().getModel()).isEqualTo(read.header().getModel());
        assertThat(second.header().getTokenizer()).isEqualTo(read.header().getTokenizer());
        assertThat(second.header().getComponentsList()).isEqualTo(read.header().getComponentsList());
        reference.forEach((name, data) -> assertBitsEqual(name, data, second.arrays("model/").get(name)));
        var generated = Cli.run("generate", "--checkpoint", again.toString(), "--prompt", "The ", "--tokens", "5");
        assertThat(generated.status()).as(generated.toString()).isZero();
    }

    private static int totalValues(Map<String, float[]> weights) {
        return weights.values().stream().mapToInt(v -> v.length).sum();
    }

    @Test
    void inspectPrintsTheHeaderAndTensorTableWithoutReadingWeights() throws IOException {
        Path weightsFile = dir.resolve("w.safetensors");
        referenceWeights(weightsFile);
        Path pipeline = Cli.write(dir.resolve("gpt_tiny.yaml"), GPT_TINY);
        Path checkpoint = dir.resolve("c.pb");
        assertThat(Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", checkpoint.toString(),
                "--config", pipeline.toString()).status()).isZero();
        var result = Cli.run("inspect", checkpoint.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("format version 1", "model: vocabulary 65, 2 layers, 4 heads, width 32, context 16",
                "tokenizer: char", "model.attention", "standard", "module dev.quire", "metadata: kind=imported",
                "tensors: 28, ", "model/transformer.h.0.attn.c_attn.weight", "[96,32]", "12,288");
        var verified = Cli.run("inspect", "--verify", checkpoint.toString());
        assertThat(verified.out()).contains("verified: 28 tensors");

        // The header alone is read: a file whose weights are damaged still inspects, and --verify finds it.
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length - 200] ^= 1;
        Path damaged = Files.write(dir.resolve("damaged.pb"), bytes);
        assertThat(Cli.run("inspect", damaged.toString()).status()).isZero();
        var refused = Cli.run("inspect", "--verify", damaged.toString());
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("damaged.pb is corrupted", "CRC32C");
    }

    @Test
    void badInputIsRefusedAndNothingIsOverwritten() throws IOException {
        Path weightsFile = dir.resolve("w.safetensors");
        referenceWeights(weightsFile);
        Path pipeline = Cli.write(dir.resolve("gpt_tiny.yaml"), GPT_TINY);
        Path checkpoint = dir.resolve("c.pb");
        assertThat(Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", checkpoint.toString(),
                "--config", pipeline.toString()).status()).isZero();
        byte[] saved = Files.readAllBytes(checkpoint);

        // An existing output is not replaced without --force.
        var exists = Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", checkpoint.toString(),
                "--config", pipeline.toString());
        assertThat(exists.status()).isEqualTo(2);
        assertThat(exists.err()).contains("c.pb", "exists", "--force");
        Path target = Files.writeString(dir.resolve("keep.safetensors"), "precious");
        var exportExists = Cli.run("export", "--checkpoint", checkpoint.toString(), "--safetensors", target.toString());
        assertThat(exportExists.status()).isEqualTo(2);
        assertThat(target).hasContent("precious");

        // The reference file has more than weights: refused, naming them; nothing written.
        Path out = dir.resolve("new.pb");
        var extra = Cli.run("import", "--safetensors", reference().toString(), "--checkpoint", out.toString(),
                "--config", pipeline.toString());
        assertThat(extra.status()).as(extra.toString()).isEqualTo(2);
        assertThat(extra.err()).contains("gpt_tiny.safetensors", "is F64; only F32 is imported");
        assertThat(out).doesNotExist();

        // Wrong shapes for the pipeline's model.
        Path wide = Cli.write(dir.resolve("wide.yaml"), GPT_TINY.replace("width: 32", "width: 64"));
        var shapes = Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", out.toString(),
                "--config", wide.toString());
        assertThat(shapes.status()).as(shapes.toString()).isEqualTo(2);
        assertThat(shapes.err()).contains("w.safetensors", "has shape [65, 32], the model needs [65, 64]");
        assertThat(out).doesNotExist();

        // A tokenizer of another vocabulary than the embedding's rows.
        Path demo = Cli.write(dir.resolve("demo.yaml"), GPT_TINY.replace("{corpus: corpus.txt, validationFraction: 0.1}",
                "{builtin: demo, chars: 3000, validationFraction: 0.1}"));
        var vocabulary = Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", out.toString(),
                "--config", demo.toString());
        assertThat(vocabulary.status()).as(vocabulary.toString()).isEqualTo(2);
        assertThat(vocabulary.err()).contains("w.safetensors", "tokens but transformer.wte.weight has 65 rows");
        assertThat(out).doesNotExist();

        // No pipeline for a file that export did not write.
        var noConfig = Cli.run("import", "--safetensors", weightsFile.toString(), "--checkpoint", out.toString());
        assertThat(noConfig.status()).isEqualTo(2);
        assertThat(noConfig.err()).contains("w.safetensors", "--config");

        // Not safetensors; not a checkpoint; missing files.
        Path text = Files.writeString(dir.resolve("text.safetensors"), "hello");
        var notSafetensors = Cli.run("import", "--safetensors", text.toString(), "--checkpoint", out.toString(),
                "--config", pipeline.toString());
        assertThat(notSafetensors.status()).isEqualTo(2);
        assertThat(notSafetensors.err()).contains("text.safetensors");
        for (String[] args : List.of(new String[] {"inspect", text.toString()},
                new String[] {"inspect", dir.resolve("none.pb").toString()},
                new String[] {"export", "--checkpoint", text.toString(), "--safetensors", dir.resolve("x.st").toString()})) {
            var result = Cli.run(args);
            assertThat(result.status()).as(result.toString()).isEqualTo(2);
            assertThat(result.err()).contains(args[0].equals("export") ? "text.safetensors" : args[args.length - 1]);
        }
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("x.st")).doesNotExist();
        assertThat(checkpoint).hasBinaryContent(saved);
    }
}
