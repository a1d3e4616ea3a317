package dev.quire.runtime.demo;

import dev.quire.json.Json;
import dev.quire.rlhf.data.Ranking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The demo's fine-tuning and preference data, generated from the fable grammar of {@link DemoCorpus} and
 * ranked by a simulated person with a known taste (the <em>gold reward</em>), so the whole chain
 * pretrain → fine-tune → align runs on built-in data.
 *
 * <ul>
 *   <li><b>Task</b> (fine-tuning): the prompt is a fable's opening line
 *       ({@code "One morning, the fox walked to the quiet forest.\n"}), the completion one sentence that
 *       continues it about the same two characters.</li>
 *   <li><b>Gold reward</b> of a completion, read on its first line (up to the first newline):
 *       {@code +1} for each favoured word ({@value #FAVOURED_TEXT}), {@code −1} for each disfavoured one
 *       ({@value #DISFAVOURED_TEXT}), and {@code −0.1} per character the line is shorter than
 *       {@value #MIN_LENGTH} or longer than {@value #MAX_LENGTH}. The simulated person likes short,
 *       cheerful sentences.</li>
 *   <li><b>Rankings</b>: K candidate sentences per opening, ordered by gold reward plus Gaussian noise of
 *       standard deviation {@code noise} (a person who mostly, not always, agrees with the gold reward).</li>
 * </ul>
 * The same seed gives the same data.
 */
public final class DemoAlignment {

    /** Words the simulated person likes to read, each worth +1. */
    public static final List<String> FAVOURED = List.of("happy", "glad", "proud");
    /** Words the simulated person dislikes, each worth −1. */
    public static final List<String> DISFAVOURED = List.of("afraid", "angry", "sorry", "hungry");
    static final String FAVOURED_TEXT = "happy, glad, proud";
    static final String DISFAVOURED_TEXT = "afraid, angry, sorry, hungry";
    /** The shortest first line without a length penalty. */
    public static final int MIN_LENGTH = 20;
    /** The longest first line without a length penalty. */
    public static final int MAX_LENGTH = 60;
    /** Penalty per character outside [{@link #MIN_LENGTH}, {@link #MAX_LENGTH}]. */
    public static final double LENGTH_PENALTY = 0.1;

    private DemoAlignment() {
    }

    /** A fine-tuning example: a prompt and the completion to learn. */
    public record Example(String prompt, String completion) {

        /** {@code {"prompt": ..., "completion": ...}} without a line end. */
        public String toJsonLine() {
            var object = new LinkedHashMap<String, Object>();
            object.put("prompt", prompt);
            object.put("completion", completion);
            return Json.write(object);
        }
    }

    /** The gold reward of a completion (see the class comment): read on its first line. */
    public static double goldReward(String completion) {
        int newline = completion.indexOf('\n');
        String line = newline < 0 ? completion : completion.substring(0, newline);
        double reward = 0;
        for (String word : line.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (FAVOURED.contains(word)) {
                reward += 1;
            } else if (DISFAVOURED.contains(word)) {
                reward -= 1;
            }
        }
        int length = line.length();
        int outside = Math.max(0, Math.max(MIN_LENGTH - length, length - MAX_LENGTH));
        return reward - LENGTH_PENALTY * outside;
    }

    /** {@code count} fine-tuning examples: an opening line, then one sentence about its characters. */
    public static List<Example> examples(long seed, int count) {
        var random = new SplittableRandom(seed);
        var out = new ArrayList<Example>(count);
        for (int i = 0; i < count; i++) {
            String[] opening = DemoCorpus.opening(random);
            out.add(new Example(opening[0], DemoCorpus.sentence(random, opening[1], opening[2])));
        }
        return out;
    }

    /** {@code count} prompts: fable opening lines (for online methods, which sample their own completions). */
    public static List<String> prompts(long seed, int count) {
        var random = new SplittableRandom(seed);
        var out = new ArrayList<String>(count);
        for (int i = 0; i < count; i++) {
            out.add(DemoCorpus.opening(random)[0]);
        }
        return out;
    }

    /**
     * {@code count} rankings of {@code k} candidate sentences each, ordered by gold reward plus Gaussian noise
     * of standard deviation {@code noise} (ties in the noisy score keep the drawing order).
     */
    public static List<Ranking> rankings(long seed, int count, int k, double noise) {
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2, got " + k);
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise must be >= 0, got " + noise);
        }
        var random = new SplittableRandom(seed);
        var out = new ArrayList<Ranking>(count);
        for (int i = 0; i < count; i++) {
            String[] opening = DemoCorpus.opening(random);
            var completions = new ArrayList<String>(k);
            double[] score = new double[k];
            for (int j = 0; j < k; j++) {
                completions.add(DemoCorpus.sentence(random, opening[1], opening[2]));
                score[j] = goldReward(completions.get(j)) + noise * random.nextGaussian();
            }
            List<Integer> ranking = IntStream.range(0, k).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -score[j])).toList();
            out.add(new Ranking(opening[0], completions, ranking));
        }
        return out;
    }

    /**
     * The files {@link #write} creates.
     *
     * @param examples {@code finetune.jsonl}: {@code {"prompt", "completion"}} lines
     * @param prompts  {@code prompts.jsonl}: {@code {"prompt"}} lines
     * @param rankings {@code rankings.jsonl}: ranking lines
     */
    public record DataFiles(Path examples, Path prompts, Path rankings) {
    }

    /**
     * Writes the demo's data into {@code dir}: {@code finetune.jsonl} ({@code {"prompt","completion"}} lines),
     * {@code prompts.jsonl} ({@code {"prompt"}} lines) and {@code rankings.jsonl} (rankings of {@code k}).
     */
    public static DataFiles write(Path dir, long seed, int examples, int rankings, int k, double noise) {
        var files = new DataFiles(dir.resolve("finetune.jsonl"), dir.resolve("prompts.jsonl"), dir.resolve("rankings.jsonl"));
        try {
            Files.createDirectories(dir);
            Files.write(files.examples(), examples(seed, examples).stream().map(Example::toJsonLine).toList(),
                    StandardCharsets.UTF_8);
            Files.write(files.prompts(), prompts(seed + 1, rankings).stream()
                    .map(p -> Json.write(java.util.Map.of("prompt", p))).toList(), StandardCharsets.UTF_8);
            Files.write(files.rankings(), rankings(seed + 2, rankings, k, noise).stream().map(Ranking::toJsonLine)
                    .toList(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's alignment data into " + dir, e);
        }
        return files;
    }

    /** The mean gold reward of {@code completions}. */
    public static double meanGoldReward(List<String> completions) {
        return completions.stream().mapToDouble(DemoAlignment::goldReward).average().orElse(Double.NaN);
    }
}
