package dev.quire.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline file, read and validated: every component resolved to a provider found in this run,
 * every option bound to its record. Nothing in it can fail to construct later for reasons the file
 * controls.
 *
 * @param file         the pipeline file (for messages and provenance)
 * @param seed         the run's random seed
 * @param output       the output directory (absolute or relative to the working directory)
 * @param plugins      the plugins directory, if any
 * @param data         the corpus, or null when no stage needs one
 * @param tokenizer    the tokenizer component
 * @param model        the model's shape
 * @param attention    the attention component
 * @param positional   the positional-encoding component
 * @param regularizers regularizer components, in order
 * @param optimizer    the optimizer component
 * @param noDecay      parameter-name patterns without weight decay; empty = nanoGPT's rule (every
 *                     tensor of rank below 2), see {@link #noDecayRule()}
 * @param schedule     the learning-rate schedule component
 * @param stages       the stages, in order
 */
public record PipelineConfig(Path file, long seed, Path output, Optional<Path> plugins, DataConfig data,
                             ComponentChoice tokenizer, ModelOptions model, ComponentChoice attention,
                             ComponentChoice positional, List<ComponentChoice> regularizers,
                             ComponentChoice optimizer, Optional<List<String>> noDecay, ComponentChoice schedule,
                             List<ComponentChoice> stages) {

    public PipelineConfig {
        regularizers = List.copyOf(regularizers);
        stages = List.copyOf(stages);
    }

    /** Every component chosen, model parts first, stages last (for provenance). */
    public List<ComponentChoice> components() {
        var all = new java.util.ArrayList<ComponentChoice>();
        all.add(tokenizer);
        all.add(attention);
        all.add(positional);
        all.addAll(regularizers);
        all.add(optimizer);
        all.add(schedule);
        all.addAll(stages);
        return all;
    }

    /** Whether a parameter named {@code name} of rank {@code rank} is exempt from weight decay. */
    public boolean noDecayRule(String name, int rank) {
        if (noDecay.isEmpty()) {
            return rank < 2;
        }
        for (String pattern : noDecay.get()) {
            if (matches(pattern, name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code pattern} matches a dotted name if it equals the name or one of its segments; a pattern with
     * {@code *} is a glob matched the same way ({@code ln_*} matches {@code transformer.h.0.ln_1.weight}).
     */
    static boolean matches(String pattern, String name) {
        if (pattern.contains("*")) {
            var regex = new StringBuilder();
            String[] parts = pattern.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append(".*");
                }
                regex.append(java.util.regex.Pattern.quote(parts[i]));
            }
            if (name.matches(regex.toString())) {
                return true;
            }
            for (String segment : name.split("\\.")) {
                if (segment.matches(regex.toString())) {
                    return true;
                }
            }
            return false;
        }
        for (String segment : name.split("\\.")) {
            if (segment.equals(pattern)) {
                return true;
            }
        }
        return name.equals(pattern);
    }
}
