package dev.quire.tokenizer.wordpiece;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Truncation as Hugging Face does it: the model's tokens are cut so that, with the special tokens
 * the template adds, the encoding has at most {@code maxLength} tokens.
 *
 * @param maxLength the most tokens, special tokens included
 * @param strategy  which sequence of a pair loses tokens
 * @param stride    recorded for compatibility (overflowing windows are not produced)
 * @param fromLeft  cut from the start instead of the end ({@code direction: Left})
 */
public record Truncation(int maxLength, Strategy strategy, int stride, boolean fromLeft) {

    /** Which sequence loses tokens. */
    public enum Strategy {
        /** Hugging Face's {@code LongestFirst}: the longer one, until both are equally long. */
        LONGEST_FIRST("LongestFirst"),
        /** {@code OnlyFirst}. */
        ONLY_FIRST("OnlyFirst"),
        /** {@code OnlySecond}. */
        ONLY_SECOND("OnlySecond");

        final String hfName;

        Strategy(String hfName) {
            this.hfName = hfName;
        }

        static Strategy ofHf(String name) {
            for (Strategy s : values()) {
                if (s.hfName.equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("truncation max_length must be >= 0, got " + maxLength);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("truncation stride must be >= 0, got " + stride);
        }
        if (strategy == null) {
            throw new IllegalArgumentException("truncation strategy must be given");
        }
    }

    /** At most {@code maxLength} tokens, cut at the end, longest first. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, 0, false);
    }

    /** Cuts {@code a} (and {@code b}, may be null) so that they hold {@code budget} tokens together. */
    Encoding[] apply(Encoding a, Encoding b, int budget) {
        budget = Math.max(0, budget);
        if (b == null) {
            return new Encoding[] {a.keep(budget, fromLeft), null};
        }
        int n1 = a.length();
        int n2 = b.length();
        if (n1 + n2 <= budget) {
            return new Encoding[] {a, b};
        }
        switch (strategy) {
            case ONLY_FIRST -> {
                if (n2 >= budget) {
                    throw new IllegalArgumentException("truncation: nothing of the first sequence would be left (the second has "
                            + n2 + " tokens, the budget is " + budget + ")");
                }
                return new Encoding[] {a.keep(budget - n2, fromLeft), b};
            }
            case ONLY_SECOND -> {
                if (n1 >= budget) {
                    throw new IllegalArgumentException("truncation: nothing of the second sequence would be left (the first has "
                            + n1 + " tokens, the budget is " + budget + ")");
                }
                return new Encoding[] {a, b.keep(budget - n1, fromLeft)};
            }
            default -> {
                // Hugging Face's LongestFirst: with s the shorter and l the longer length
                boolean swap = n1 > n2;
                int s = swap ? n2 : n1;
                int l;
                if (s > budget) {
                    l = s;
                } else {
                    l = Math.max(s, budget - s);
                }
                if (s + l > budget) {
                    s = budget / 2;
                    l = s + budget % 2;
                }
                int k1 = swap ? l : s;
                int k2 = swap ? s : l;
                return new Encoding[] {a.keep(k1, fromLeft), b.keep(k2, fromLeft)};
            }
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("direction", fromLeft ? "Left" : "Right");
        m.put("max_length", maxLength);
        m.put("strategy", strategy.hfName);
        m.put("stride", stride);
        return m;
    }
}
