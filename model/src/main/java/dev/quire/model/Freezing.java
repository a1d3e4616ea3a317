package dev.quire.model;

import dev.quire.api.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Freezes parameters by name: a frozen tensor stops requiring gradients, so backward passes give it none
 * and {@link Gpt#optimizerGroups()} leaves it out, and training cannot change it by a single bit.
 *
 * <p>Patterns are globs over whole parameter names: {@code *} matches any run of characters, dots
 * included, {@code ?} exactly one character, everything else itself. So {@code transformer.h.0.*} is every
 * tensor of the first block, {@code transformer.wte.weight} the token embedding (and, when the head is
 * tied, the head with it), {@code *.ln_?.*} every block's layer norms.
 */
public final class Freezing {

    private Freezing() {
    }

    /**
     * Freezes every parameter whose name matches one of {@code patterns}.
     *
     * @return the names frozen, in {@link Gpt#parameters()} order
     * @throws IllegalArgumentException if a pattern matches no parameter (naming it and a few that exist)
     */
    public static List<String> freeze(Gpt model, List<String> patterns) {
        Objects.requireNonNull(model, "model");
        List<Pattern> compiled = new ArrayList<>();
        for (String pattern : patterns) {
            compiled.add(compile(pattern));
        }
        // Check every pattern before changing anything, so a typo leaves the model as it was.
        for (int i = 0; i < compiled.size(); i++) {
            Pattern regex = compiled.get(i);
            if (model.parameters().stream().noneMatch(p -> regex.matcher(p.name()).matches())) {
                throw new IllegalArgumentException("freeze pattern '" + patterns.get(i) + "' matches no parameter; "
                        + "the model's parameters are " + summary(model));
            }
        }
        List<String> frozen = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (compiled.stream().anyMatch(regex -> regex.matcher(p.name()).matches())) {
                freeze(p);
                frozen.add(p.name());
            }
        }
        return frozen;
    }

    /** Makes every parameter of {@code model} trainable again. */
    public static void unfreezeAll(Gpt model) {
        for (Parameter p : model.parameters()) {
            p.value().requiresGrad(true);
        }
    }

    /** The names of the frozen parameters of {@code model}, in order. */
    public static List<String> frozen(Gpt model) {
        return model.parameters().stream().filter(p -> !p.value().requiresGrad()).map(Parameter::name).toList();
    }

    /** Whether the glob {@code pattern} matches the whole of {@code name}. */
    public static boolean matches(String pattern, String name) {
        return compile(pattern).matcher(name).matches();
    }

    static void freeze(Parameter p) {
        p.value().requiresGrad(false);
        p.value().zeroGrad(); // a gradient left from before would otherwise still reach an optimizer
    }

    /**
     * The glob as a regular expression over whole names.
     *
     * @throws IllegalArgumentException if the pattern is empty
     */
    static Pattern compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("a parameter-name pattern must not be empty");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The first parameter names and the layer prefixes, short enough for an error message. */
    private static String summary(Gpt model) {
        List<String> names = model.parameters().stream().map(Parameter::name).toList();
        int shown = Math.min(names.size(), 12);
        return String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? ", ... (" + names.size() + " in all)" : "");
    }
}
