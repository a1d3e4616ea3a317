package dev.quire.rlhf.data;

import dev.quire.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A K-wise ranking: K completions of one prompt, ordered from best to worst. As a JSON line:
 * {@code {"prompt": "...", "completions": ["a", "b", "c"], "ranking": [2, 0, 1]}}.
 *
 * <p><b>What {@code ranking} means.</b> {@code ranking[i]} is the index (0-based, into
 * {@code completions}) of the completion placed i-th, best first. So {@code ranking[0]} is the best
 * completion and {@code ranking[K-1]} the worst; in the example, {@code "c"} is best, then {@code "a"},
 * then {@code "b"}. It is a permutation of {@code 0..K-1}: every completion is placed exactly once.
 *
 * <p>A ranking of K implies C(K, 2) = K(K-1)/2 ordered pairs: completion {@code ranking[i]} is preferred
 * to {@code ranking[j]} for every {@code i < j} ({@link #pairs()}, {@link #indexPairs()}).
 *
 * @param prompt      the prompt, not empty
 * @param completions K ≥ 2 completions (the text after the prompt), none empty; equal texts are allowed
 * @param ranking     indices into {@code completions}, best first: a permutation of {@code 0..K-1}
 */
public record Ranking(String prompt, List<String> completions, List<Integer> ranking) {

    /** The preference "completion {@code chosen} over completion {@code rejected}", as indices into the completions. */
    public record IndexPair(int chosen, int rejected) {
    }

    public Ranking {
        PreferencePair.requireText("prompt", prompt);
        completions = List.copyOf(Objects.requireNonNull(completions, "completions"));
        ranking = List.copyOf(Objects.requireNonNull(ranking, "ranking"));
        if (completions.size() < 2) {
            throw new IllegalArgumentException("a ranking needs at least 2 completions (K >= 2), got "
                    + completions.size());
        }
        for (int i = 0; i < completions.size(); i++) {
            if (completions.get(i).isEmpty()) {
                throw new IllegalArgumentException("\"completions\"[" + i + "] must not be empty");
            }
        }
        String problem = permutationProblem(ranking, completions.size());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Why {@code ranking} is not a permutation of {@code 0..k-1}, or null if it is: the wrong length, an
     * index out of range, or an index that appears twice (the first such problem, in that order).
     */
    static String permutationProblem(List<Integer> ranking, int k) {
        String shown = "\"ranking\" " + ranking + " is not a permutation of 0.." + (k - 1);
        if (ranking.size() != k) {
            return shown + ": it has " + ranking.size() + " entries but there are " + k + " completions";
        }
        boolean[] seen = new boolean[k];
        for (int i = 0; i < k; i++) {
            int index = ranking.get(i);
            if (index < 0 || index >= k) {
                return shown + ": index " + index + " at position " + i + " is out of range (completions are 0.."
                        + (k - 1) + ")";
            }
            if (seen[index]) {
                return shown + ": index " + index + " appears twice (again at position " + i + ")";
            }
            seen[index] = true;
        }
        return null;
    }

    /** K, the number of completions. */
    public int k() {
        return completions.size();
    }

    /** The best completion, {@code completions[ranking[0]]}. */
    public String best() {
        return completions.get(ranking.getFirst());
    }

    /** The worst completion, {@code completions[ranking[K-1]]}. */
    public String worst() {
        return completions.get(ranking.getLast());
    }

    /**
     * The C(K, 2) ordered pairs as indices into {@link #completions()}: for each {@code i < j} in ranking order,
     * {@code (ranking[i], ranking[j])}. Ordered by i, then j: the best completion's K-1 pairs come first.
     */
    public List<IndexPair> indexPairs() {
        int k = k();
        var pairs = new ArrayList<IndexPair>(k * (k - 1) / 2);
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                pairs.add(new IndexPair(ranking.get(i), ranking.get(j)));
            }
        }
        return List.copyOf(pairs);
    }

    /** The C(K, 2) ordered pairs as text, in the order of {@link #indexPairs()}. */
    public List<PreferencePair> pairs() {
        return indexPairs().stream()
                .map(p -> new PreferencePair(prompt, completions.get(p.chosen()), completions.get(p.rejected())))
                .toList();
    }

    /** The JSON line of this ranking, without a line end: {@code {"prompt":...,"completions":[...],"ranking":[...]}}. */
    public String toJsonLine() {
        var object = new LinkedHashMap<String, Object>();
        object.put("prompt", prompt);
        object.put("completions", completions);
        object.put("ranking", ranking);
        return Json.write(object);
    }
}
