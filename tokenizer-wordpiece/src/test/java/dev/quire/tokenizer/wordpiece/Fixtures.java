package dev.quire.tokenizer.wordpiece;

import dev.quire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Paths to ../shared and cached reference tokenizers. */
final class Fixtures {

    private static final Map<Integer, WordPieceTokenizer> CACHE = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    static Path shared() {
        return Path.of(System.getProperty("quire.shared", "../../shared"));
    }

    static Path reference(String name) {
        return shared().resolve("reference").resolve("hf").resolve(name);
    }

    static Path shakespeare() {
        return shared().resolve("data").resolve("tinyshakespeare.txt");
    }

    static WordPieceTokenizer hf(int size) {
        return CACHE.computeIfAbsent(size, n -> {
            try {
                return WordPieceTokenizer.load(reference("hf_wordpiece_" + n + ".tokenizer.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** One line of an encodings.jsonl file. */
    record Case(int line, String text, int[] ids, String[] tokens, int[][] offsets) {
    }

    static List<Case> cases(int size) {
        try {
            List<String> lines = Files.readAllLines(reference("hf_wordpiece_" + size + ".encodings.jsonl"), StandardCharsets.UTF_8);
            List<Case> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Json.Node n = Json.parse(lines.get(i), "line " + (i + 1));
                List<Json.Node> ids = n.get("ids").elements();
                List<Json.Node> toks = n.get("tokens").elements();
                List<Json.Node> offs = n.get("offsets").elements();
                int[] idArr = new int[ids.size()];
                String[] tokArr = new String[ids.size()];
                int[][] offArr = new int[ids.size()][];
                for (int j = 0; j < idArr.length; j++) {
                    idArr[j] = (int) ids.get(j).longValue();
                    tokArr[j] = toks.get(j).string();
                    offArr[j] = new int[] {(int) offs.get(j).at(0).longValue(), (int) offs.get(j).at(1).longValue()};
                }
                out.add(new Case(i + 1, n.get("text").string(), idArr, tokArr, offArr));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String shakespeareText() {
        try {
            return Files.readString(shakespeare(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
