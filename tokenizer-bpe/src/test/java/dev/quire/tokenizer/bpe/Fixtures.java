package dev.quire.tokenizer.bpe;

import dev.quire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The shared reference files ({@code ../shared}, set by surefire as {@code quire.shared}) and loaded encodings. */
final class Fixtures {

    static final List<String> ENCODINGS = List.of("r50k_base", "cl100k_base", "o200k_base");

    private static final Map<String, BpeTokenizer> CACHE = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    static Path shared() {
        String s = System.getProperty("quire.shared");
        if (s == null) {
            throw new IllegalStateException("system property quire.shared is not set (surefire sets it to ../shared)");
        }
        return Path.of(s);
    }

    static Path rankFile(String encoding) {
        return shared().resolve("data/tiktoken/" + encoding + ".tiktoken");
    }

    /** A tiktoken encoding with its standard special tokens, loaded once per test run. */
    static BpeTokenizer encoding(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try {
                return BpeTokenizer.tiktoken(n, rankFile(n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A reference Hugging Face tokenizer ({@code hf_bytelevel_bpe_<size>.tokenizer.json}), loaded once. */
    static BpeTokenizer huggingFace(int size) {
        return CACHE.computeIfAbsent("hf" + size, n -> {
            try {
                return BpeTokenizer.loadTokenizerJson(hfTokenizerJson(size));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Path hfTokenizerJson(int size) {
        return shared().resolve("reference/hf/hf_bytelevel_bpe_" + size + ".tokenizer.json");
    }

    /** The lines of a JSON-lines file, parsed. */
    static List<Json.Node> jsonLines(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> !l.isBlank()).map(l -> Json.parse(l, file.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Json.Node> tiktokenCases() {
        return jsonLines(shared().resolve("reference/tiktoken_cases.jsonl"));
    }

    static List<String> caseTexts() {
        return tiktokenCases().stream().map(n -> n.get("text").string()).toList();
    }

    static String shakespeare() {
        try {
            return Files.readString(shared().resolve("data/tinyshakespeare.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short, printable description of a text for assertion messages. */
    static String describe(String text) {
        String s = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return "\"" + s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\" (" + text.length() + " chars)";
    }
}
