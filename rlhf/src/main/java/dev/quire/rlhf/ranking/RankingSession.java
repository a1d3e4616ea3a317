package dev.quire.rlhf.ranking;

import dev.quire.rlhf.data.Ranking;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * A person ranks completions in the terminal: for each prompt still to do, K completions are drawn and shown
 * numbered 1..K, and the person types their numbers best first ({@code "2 1 4 3"} or {@code "2143"}, see
 * {@link Orderings}), {@code s} to skip the prompt or {@code q} to quit. Invalid input is explained and asked
 * again. Each answer is appended to the {@link RankingLog} (and forced to disk) before the next prompt;
 * the session starts at {@link RankingLog#nextPrompt()}, so a restarted session resumes where the last one
 * stopped. The end of the input counts as quitting.
 */
public final class RankingSession {

    /**
     * What a session did.
     *
     * @param before    rankings the output file held when the session started
     * @param answered  prompts ranked in this session
     * @param skipped   prompts skipped in this session
     * @param quit      whether the person quit (or the input ended) before the last prompt
     * @param remaining prompts after the last one this session reached, still to rank
     */
    public record Summary(int before, int answered, int skipped, boolean quit, int remaining) {
    }

    private final List<String> prompts;
    private final int k;
    private final CompletionSampler sampler;
    private final RankingLog log;
    private final BufferedReader in;
    private final PrintWriter out;

    /**
     * @param prompts the prompts, in order
     * @param k       completions per prompt, at least 2
     * @param sampler draws the completions
     * @param log     the output file, opened for these prompts and this {@code k}
     * @param in      the person's answers, one per line
     * @param out     where the prompts and completions are shown
     */
    public RankingSession(List<String> prompts, int k, CompletionSampler sampler, RankingLog log, BufferedReader in,
                          PrintWriter out) {
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2, got " + k);
        }
        this.prompts = List.copyOf(prompts);
        this.k = k;
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.log = Objects.requireNonNull(log, "log");
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Runs the session until the prompts are done or the person quits. */
    public Summary run() {
        int first = log.nextPrompt();
        if (log.recorded() > 0) {
            out.printf("Resuming %s: %d ranking%s already there; continuing at prompt %d of %d.%n", log.file(),
                    log.recorded(), log.recorded() == 1 ? "" : "s", Math.min(first + 1, prompts.size()), prompts.size());
        }
        if (first >= prompts.size()) {
            out.println("Every prompt is ranked already.");
            out.flush();
            return new Summary(log.recorded(), 0, 0, false, 0);
        }
        out.printf("For each prompt, order the %d completions from best to worst by their numbers, e.g. \"%s\"%s.%n"
                + "s = skip this prompt, q = quit (answers so far are saved).%n", k, example(true),
                k <= 9 ? " or \"" + example(false) + "\"" : "");
        int answered = 0;
        int skipped = 0;
        for (int p = first; p < prompts.size(); p++) {
            String prompt = prompts.get(p);
            List<String> completions = sampler.sample(prompt, p, k);
            if (completions.size() != k) {
                throw new IllegalStateException("the sampler gave " + completions.size() + " completions for prompt "
                        + (p + 1) + ", expected " + k);
            }
            show(p, prompt, completions);
            Answer answer = ask();
            switch (answer) {
                case Answer.Quit q -> {
                    out.printf("Stopped at prompt %d of %d: %d ranked in this session, saved in %s.%n", p + 1,
                            prompts.size(), answered, log.file());
                    out.flush();
                    return new Summary(log.recorded(), answered, skipped, true, prompts.size() - p);
                }
                case Answer.Skip s -> {
                    skipped++;
                    out.println("Skipped.");
                }
                case Answer.Order o -> {
                    log.append(new Ranking(prompt, completions, o.ranking()));
                    answered++;
                    out.println("Saved.");
                }
            }
        }
        int held = log.recorded() + answered;
        out.printf("Done: %d ranked, %d skipped in this session; %s holds %d ranking%s.%n", answered, skipped,
                log.file(), held, held == 1 ? "" : "s");
        out.flush();
        return new Summary(log.recorded(), answered, skipped, false, 0);
    }

    private String example(boolean spaced) {
        var text = new StringBuilder();
        // The example order 2 1 4 3 ... (pairs swapped), cut to K.
        for (int i = 0; i < k; i++) {
            int n = i % 2 == 0 ? (i + 1 < k ? i + 2 : i + 1) : i;
            text.append(spaced && i > 0 ? " " : "").append(n);
        }
        return text.toString();
    }

    private void show(int index, String prompt, List<String> completions) {
        out.println();
        out.printf("=== Prompt %d of %d ===%n", index + 1, prompts.size());
        out.println(indent(prompt, ""));
        for (int i = 0; i < completions.size(); i++) {
            out.printf("--- [%d] ---%n", i + 1);
            out.println(indent(prompt + completions.get(i), "    "));
        }
        out.flush();
    }

    private static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }

    /** One thing the person typed. */
    private sealed interface Answer {
        record Quit() implements Answer {
        }

        record Skip() implements Answer {
        }

        record Order(List<Integer> ranking) implements Answer {
        }
    }

    private Answer ask() {
        while (true) {
            out.printf("Order best first (1-%d), s = skip, q = quit: ", k);
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the answer", e);
            }
            if (line == null) {
                out.println();
                return new Answer.Quit();
            }
            String text = line.strip();
            if (text.equalsIgnoreCase("q") || text.equalsIgnoreCase("quit")) {
                return new Answer.Quit();
            }
            if (text.equalsIgnoreCase("s") || text.equalsIgnoreCase("skip")) {
                return new Answer.Skip();
            }
            try {
                return new Answer.Order(Orderings.parse(text, k));
            } catch (IllegalArgumentException e) {
                out.println("  Not an order: " + e.getMessage() + ". Try again.");
            }
        }
    }
}
