package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.ComponentKind;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.stages.Corpus;
import dev.quire.runtime.config.DataConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tokenize} stage before {@code pretrain} with {@code bpe} and {@code wordpiece}, the checkpoint's
 * copy of the tokenizer, bad tokenizer options, and {@code quire bench tokenizer}.
 */
class TokenizeStageTest {

    @TempDir
    Path dir;

    private static String pipeline(String tokenizer) {
        return """
                seed: 7
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: %s
                model: {layers: 1, heads: 2, width: 32, context: 16}
                optimizer: {id: adamw, lr: 3.0e-3}
                stages:
                  - tokenize
                  - pretrain: {steps: 6, batchSize: 4, evalInterval: 3, evalIterations: 1, checkpointInterval: 0}
                  - sample: {prompt: "The ", tokens: 8, temperature: 0.8, topK: 10}
                """.formatted(tokenizer);
    }

    @Test
    void bpeTokenizeThenPretrainUsesTheSavedTokenizerAndTheCheckpointRestoresIt() throws IOException {
        Path file = Cli.write(dir.resolve("bpe.yaml"),
                pipeline("{id: bpe, vocabSize: 300, minFrequency: 2, specialTokens: [\"<|endoftext|>\"]}"));
        var result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        Path out = dir.resolve("out");
        Path json = out.resolve("tokenizer.json");
        assertThat(json).isRegularFile();
        assertThat(result.out()).contains("tokenize: vocabulary 300", "pretrain: using the tokenizer of the tokenize stage ('bpe', vocabulary 300)",
                "vocabulary 300,", "--- sample 1 of 1");
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl")))
                .anySatisfy(l -> assertThat(l).startsWith("{\"stage\":\"tokenize\"").contains("\"vocab_size\":300"));

        Path latest = out.resolve("checkpoint-latest.pb");
        var checkpoint = Checkpoints.read(latest);
        assertThat(checkpoint.header().getTokenizer().getFactoryId()).isEqualTo("bpe");
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            var catalog = components.catalog();
            Tokenizer restored = ModelCheckpoints.tokenizer(latest, checkpoint, catalog);
            // The checkpoint embeds exactly the tokenizer.json the stage saved ...
            assertThat(restored.serialize()).isEqualTo(Files.readAllBytes(json));
            // ... and the restored tokenizer encodes like one loaded from that file.
            Tokenizer fromFile = load(catalog, "bpe", "{file: \"" + json + "\"}");
            String text = Corpus.load(new DataConfig(null, "demo", 20000, 0.1));
            assertThat(restored.vocabSize()).isEqualTo(300);
            assertThat(restored.encode(text)).isEqualTo(fromFile.encode(text));
            assertThat(restored.decode(restored.encode(text))).isEqualTo(text);
        }
        var generated = Cli.run("generate", "--checkpoint", latest.toString(), "--prompt", "Once", "--tokens", "5");
        assertThat(generated.status()).as(generated.toString()).isZero();
        assertThat(generated.out()).startsWith("Once");

        // Resuming retrains the same tokenizer, which must be the checkpoint's.
        Cli.write(file, Files.readString(file).replace("steps: 6", "steps: 9"));
        var resumed = Cli.run("run", file.toString(), "--resume");
        assertThat(resumed.status()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("pretrain: resuming");
        assertThat(Checkpoints.read(latest).header().getStep()).isEqualTo(9);
    }

    @Test
    void wordpieceIsTrainedWithoutClsAndSepForTheLanguageModel() throws IOException {
        Path file = Cli.write(dir.resolve("wp.yaml"), pipeline("{id: wordpiece, vocabSize: 400, minFrequency: 0}"));
        var result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        Path out = dir.resolve("out");
        assertThat(out.resolve("tokenizer.json")).content().contains("\"post_processor\": null", "\"WordPiece\"");
        assertThat(result.out()).contains("pretrain: using the tokenizer of the tokenize stage ('wordpiece'");
        Path latest = out.resolve("checkpoint-latest.pb");
        var checkpoint = Checkpoints.read(latest);
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            Tokenizer restored = ModelCheckpoints.tokenizer(latest, checkpoint, components.catalog());
            assertThat(restored.factoryId()).isEqualTo("wordpiece");
            assertThat(restored.encode("")).isEmpty();
            assertThat(restored.decode(restored.encode("the fox and the crow"))).isEqualTo("the fox and the crow");
            assertThat(restored.serialize()).isEqualTo(Files.readAllBytes(out.resolve("tokenizer.json")));
        }
    }

    @Test
    void charTokenizerIsSavedInItsSerializedForm() throws IOException {
        Path file = Cli.write(dir.resolve("char.yaml"), pipeline("char").replace("  - sample: {prompt: \"The \", tokens: 8, temperature: 0.8, topK: 10}\n", ""));
        var result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(dir.resolve("out/tokenizer-char.bin")).isRegularFile();
    }

    @Test
    void badTokenizerOptionsAreBadInputNamingTheKey() throws IOException {
        record Case(String tokenizer, String key) {
        }
        for (Case c : List.of(
                new Case("{id: bpe, vocabSize: 0}", "vocabSize"),
                new Case("{id: bpe, encoding: cl99k_base, file: x.tiktoken}", "encoding"),
                new Case("{id: wordpiece, vocabSize: 3}", "vocabSize"),
                new Case("{id: bpe, vocabSize: 100}", "tokenizer.vocabSize"))) {
            Path file = Cli.write(dir.resolve("bad.yaml"), pipeline(c.tokenizer()));
            var result = Cli.run("run", file.toString());
            assertThat(result.status()).as(c + "\n" + result).isEqualTo(2);
            assertThat(result.err()).as(c.toString()).contains(c.key());
            assertThat(dir.resolve("out/checkpoint-latest.pb")).doesNotExist();
        }
    }

    @Test
    void benchTokenizerPrintsJsonWithTheSameTokensOnAnyNumberOfThreads() throws IOException {
        Path input = Cli.write(dir.resolve("input.txt"), Corpus.load(new DataConfig(null, "demo", 50000, 0.1)));
        Path ranks = Path.of(System.getProperty("quire.shared", "../../shared"), "data", "tiktoken");
        var one = Cli.run("bench", "tokenizer", "--tokenizer", "cl100k_base", "--ranks", ranks.toString(),
                "--input", input.toString(), "--seconds", "0");
        assertThat(one.status()).as(one.toString()).isZero();
        assertThat(one.lastOutLine()).startsWith("{").contains("\"mb_per_sec\":", "\"tokens\":", "\"threads\":1",
                "\"bytes\":", "\"seconds\":");
        var two = Cli.run("bench", "tokenizer", "--tokenizer", ranks.resolve("cl100k_base.tiktoken").toString(),
                "--input", input.toString(), "--threads", "2", "--seconds", "0");
        assertThat(two.status()).as(two.toString()).isZero();
        assertThat(tokens(two.lastOutLine())).isEqualTo(tokens(one.lastOutLine())).isPositive();

        // A trained tokenizer.json (BPE here; WordPiece goes the same way).
        Path file = Cli.write(dir.resolve("p.yaml"), pipeline("{id: wordpiece, vocabSize: 400}")
                .replaceAll("(?s)  - pretrain.*", ""));
        assertThat(Cli.run("run", file.toString()).status()).isZero();
        var wp = Cli.run("bench", "tokenizer", "--tokenizer", dir.resolve("out/tokenizer.json").toString(),
                "--input", input.toString(), "--threads", "2", "--seconds", "0");
        assertThat(wp.status()).as(wp.toString()).isZero();
        assertThat(wp.lastOutLine()).contains("\"tokenizer_id\":\"wordpiece\"");

        var missing = Cli.run("bench", "tokenizer", "--tokenizer", "cl99k_base", "--input", input.toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("cl99k_base");
    }

    private static long tokens(String json) {
        return Long.parseLong(json.replaceAll(".*\"tokens\":(\\d+).*", "$1"));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Tokenizer load(dev.quire.runtime.discovery.ComponentCatalog catalog, String id, String options) {
        var entry = catalog.require(ComponentKind.TOKENIZER, id);
        var root = YamlDocument.parse(Path.of("test"), options).root();
        Record bound = OptionsBinder.bind(root.mapping("options"), Set.of(), (Class) entry.provider().optionsType(),
                entry.defaultOptions(), "test", Path.of(""));
        return ((TokenizerFactory) entry.create(bound)).trainer().train(Collections.emptyIterator(), ProgressListener.NONE);
    }
}
