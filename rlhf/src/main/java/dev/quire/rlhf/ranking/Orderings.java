package dev.quire.rlhf.ranking;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the order a person types for K numbered completions: their numbers (1-based, as shown) from best
 * to worst, separated by spaces, commas or {@code >} ({@code "2 1 4 3"}, {@code "2,1,4,3"},
 * {@code "2 > 1 > 4 > 3"}), or, for K ≤ 9, written together ({@code "2143"}).
 */
public final class Orderings {

    private Orderings() {
    }

    /**
     * The ranking the text gives: 0-based indices, best first (the {@code ranking} of
     * {@link dev.quire.rlhf.data.Ranking}), so {@code "2 1 4 3"} gives {@code [1, 0, 3, 2]}.
     *
     * @throws IllegalArgumentException with a message for the person: what is wrong and what is expected
     */
    public static List<Integer> parse(String text, int k) {
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2, got " + k);
        }
        String trimmed = text.strip();
        List<String> tokens = new ArrayList<>();
        if (trimmed.matches("[0-9]+")) {
            if (k > 9 && trimmed.length() > 2) {
                throw new IllegalArgumentException("with " + k + " completions, separate the numbers by spaces (\""
                        + trimmed + "\" is ambiguous)");
            }
            if (k <= 9) {
                for (char c : trimmed.toCharArray()) {
                    tokens.add(String.valueOf(c));
                }
            } else {
                tokens.add(trimmed);
            }
        } else {
            for (String token : trimmed.split("[\\s,>]+")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        String expected = "give all " + k + " numbers 1.." + k + " once each, best first";
        var ranking = new ArrayList<Integer>(k);
        boolean[] seen = new boolean[k + 1];
        for (String token : tokens) {
            int number;
            try {
                number = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + token + "\" is not a number: " + expected);
            }
            if (number < 1 || number > k) {
                throw new IllegalArgumentException(number + " is not one of the completions 1.." + k + ": " + expected);
            }
            if (seen[number]) {
                throw new IllegalArgumentException(number + " is given twice: " + expected);
            }
            seen[number] = true;
            ranking.add(number - 1);
        }
        if (ranking.size() != k) {
            var missing = new ArrayList<Integer>();
            for (int n = 1; n <= k; n++) {
                if (!seen[n]) {
                    missing.add(n);
                }
            }
            throw new IllegalArgumentException("got " + ranking.size() + " number" + (ranking.size() == 1 ? "" : "s")
                    + ", missing " + missing + ": " + expected);
        }
        return List.copyOf(ranking);
    }
}
