package dev.quire.rlhf;

import java.util.List;

/**
 * K completions of one prompt, ordered from best to worst: the token form of a human ranking, which the reward
 * model trains on. It implies the C(K, 2) preferences "completion i over completion j" for every i &lt; j.
 *
 * @param prompt      prompt tokens, at least one
 * @param completions completion tokens, best first, at least two, each at least one token
 */
public record TokenRanking(int[] prompt, List<int[]> completions) {

    public TokenRanking {
        completions = List.copyOf(completions);
        if (prompt.length == 0) {
            throw new IllegalArgumentException("ranking: the prompt is empty");
        }
        if (completions.size() < 2) {
            throw new IllegalArgumentException("ranking: needs at least 2 completions, got " + completions.size());
        }
        for (int i = 0; i < completions.size(); i++) {
            if (completions.get(i).length == 0) {
                throw new IllegalArgumentException("ranking: completion " + i + " is empty");
            }
        }
    }

    /** Number of preferences the ranking implies, C(K, 2). */
    public int pairs() {
        int k = completions.size();
        return k * (k - 1) / 2;
    }
}
