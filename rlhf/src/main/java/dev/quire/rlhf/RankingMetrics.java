package dev.quire.rlhf;

/**
 * How well reward scores agree with rankings, over every pair (winner w, loser l) the rankings imply.
 *
 * @param loss     mean Bradley–Terry loss {@code −log σ(r_w − r_l)} (each ranking weighted equally, its pairs averaged)
 * @param accuracy fraction of pairs with {@code r_w > r_l}
 * @param margin   mean {@code r_w − r_l} over pairs
 * @param pairs    number of pairs
 */
public record RankingMetrics(double loss, double accuracy, double margin, int pairs) {
}
