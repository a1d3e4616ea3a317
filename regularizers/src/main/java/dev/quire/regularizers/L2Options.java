package dev.quire.regularizers;

import java.util.List;

/**
 * Options of {@code l2}.
 *
 * @param coefficient λ, {@code >= 0}: the loss gains {@code λ/2 · Σ w²}, so each selected gradient gains
 *                    {@code λ · w} ({@code torch.optim}'s coupled {@code weight_decay = λ})
 * @param exclude     parameters left out, by name: a pattern matches a dotted name if it equals the name or
 *                    one of its segments, and {@code *} matches any characters ({@code ln_*} matches
 *                    {@code transformer.h.0.ln_1.weight}); by default biases, layer norms and embeddings
 */
public record L2Options(double coefficient, List<String> exclude) {

    /** λ = 0.01, not on biases, layer norms or the token and position embeddings. */
    public static final L2Options DEFAULTS = new L2Options(0.01, List.of("bias", "ln_*", "wte", "wpe"));

    public L2Options {
        RegularizerProvider.checkNonNegative("coefficient", coefficient);
        if (exclude == null) {
            throw new IllegalArgumentException("exclude must be a list of name patterns (may be empty)");
        }
        exclude = List.copyOf(exclude);
        for (String pattern : exclude) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("exclude must not hold a blank pattern");
            }
        }
    }

    /** Whether the {@link #exclude} rules leave the parameter {@code name} out. */
    public boolean excludes(String name) {
        for (String pattern : exclude) {
            if (matches(pattern, name)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String name) {
        if (name.equals(pattern)) {
            return true;
        }
        String regex = pattern.contains("*") ? glob(pattern) : null;
        if (regex != null && name.matches(regex)) {
            return true;
        }
        for (String segment : name.split("\\.")) {
            if (regex == null ? segment.equals(pattern) : segment.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private static String glob(String pattern) {
        var regex = new StringBuilder();
        String[] parts = pattern.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(parts[i]));
        }
        return regex.toString();
    }
}
