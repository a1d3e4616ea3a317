package dev.quire.rlhf.data;

import dev.quire.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads preference files: JSON lines of pairs {@code {"prompt","chosen","rejected"}} and of K-wise rankings
 * {@code {"prompt","completions":[...],"ranking":[...]}} (see {@link Ranking} for what {@code ranking}
 * means). Validated on load: a line that is not UTF-8, not JSON, not an object, that lacks a key or has an
 * extra one, a value of the wrong type, an empty string, fewer than 2 completions, or a ranking that is not
 * a permutation each raise a {@link PreferenceFormatException} naming the file and the line.
 */
public final class PreferenceFiles {

    /** The keys of a pair line, in the order they are written. */
    public static final List<String> PAIR_KEYS = List.of("prompt", "chosen", "rejected");
    /** The keys of a ranking line, in the order they are written. */
    public static final List<String> RANKING_KEYS = List.of("prompt", "completions", "ranking");

    private PreferenceFiles() {
    }

    /** A file of pair lines only. */
    public static List<PreferencePair> readPairs(Path file) {
        return JsonLines.readAll(file, PreferenceFiles::pair);
    }

    /** A file of ranking lines only. */
    public static List<Ranking> readRankings(Path file) {
        return JsonLines.readAll(file, PreferenceFiles::ranking);
    }

    /**
     * A file that may mix pair and ranking lines, each pair read as a ranking of K = 2
     * ({@link PreferencePair#asRanking()}), in file order. A line is a pair if it has a {@code "chosen"} key,
     * else a ranking.
     */
    public static List<Ranking> readPreferences(Path file) {
        var out = new ArrayList<Ranking>();
        for (JsonLines.Line line : JsonLines.lines(file)) {
            Json.Node object = JsonLines.object(line);
            out.add(object.has("chosen") ? pair(line, object).asRanking() : ranking(line, object));
        }
        return out;
    }

    /** Parses one pair line. */
    public static PreferencePair pair(JsonLines.Line line) {
        return pair(line, JsonLines.object(line));
    }

    /** Parses one ranking line. */
    public static Ranking ranking(JsonLines.Line line) {
        return ranking(line, JsonLines.object(line));
    }

    private static PreferencePair pair(JsonLines.Line line, Json.Node object) {
        JsonLines.requireKeys(line, object, PAIR_KEYS, "a pair line");
        return new PreferencePair(JsonLines.text(line, object, "prompt"), JsonLines.text(line, object, "chosen"),
                JsonLines.text(line, object, "rejected"));
    }

    private static Ranking ranking(JsonLines.Line line, Json.Node object) {
        JsonLines.requireKeys(line, object, RANKING_KEYS, "a ranking line");
        String prompt = JsonLines.text(line, object, "prompt");
        Json.Node completionsNode = object.get("completions");
        if (!(completionsNode.value() instanceof List<?>)) {
            throw line.error("\"completions\" must be an array of strings, found " + completionsNode.describe());
        }
        var completions = new ArrayList<String>();
        for (Json.Node element : completionsNode.elements()) {
            if (!(element.value() instanceof String s)) {
                throw line.error("\"completions\"[" + completions.size() + "] must be a string, found "
                        + element.describe());
            }
            if (s.isEmpty()) {
                throw line.error("\"completions\"[" + completions.size() + "] must not be empty");
            }
            completions.add(s);
        }
        if (completions.size() < 2) {
            throw line.error("\"completions\" has " + completions.size() + " entr" + (completions.size() == 1 ? "y" : "ies")
                    + ": a ranking needs at least 2 (K >= 2)");
        }
        Json.Node rankingNode = object.get("ranking");
        if (!(rankingNode.value() instanceof List<?>)) {
            throw line.error("\"ranking\" must be an array of integers, found " + rankingNode.describe());
        }
        var ranking = new ArrayList<Integer>();
        for (Json.Node element : rankingNode.elements()) {
            if (!(element.value() instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw line.error("\"ranking\"[" + ranking.size() + "] must be an integer index into \"completions\", "
                        + "found " + element.describe());
            }
            ranking.add(l.intValue());
        }
        String problem = Ranking.permutationProblem(ranking, completions.size());
        if (problem != null) {
            throw line.error(problem + " (ranking[i] is the index of the i-th best completion)");
        }
        return new Ranking(prompt, completions, ranking);
    }
}
