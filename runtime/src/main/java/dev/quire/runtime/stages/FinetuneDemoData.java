package dev.quire.runtime.stages;

import dev.quire.model.PromptCompletion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code finetune} stage's built-in data ({@code builtin: demo}), in the words and characters of the
 * demo corpus, so that a model pretrained on the demo fables can be fine-tuned without a data file.
 *
 * <p>Each prompt is a fable's opening line and the start of a finding sentence,
 * {@code "One morning, the old crow walked to the quiet forest.\nThe old crow found "}; the completion says
 * what that character finds and where, {@code "a silver key near the village.\n"}, always the same for the same
 * character. Pretraining has seen every character find every thing at random; fine-tuning teaches the
 * one fixed answer per character, so the completion loss has somewhere to go (from about ln 12 per thing
 * down to near zero) while the prompt's random opening must be read past.
 */
public final class FinetuneDemoData {

    // Subsets of the demo corpus's word lists (dev.quire.runtime.demo.DemoCorpus).
    private static final List<String> NAMES = List.of(
            "the fox", "the old crow", "a small mouse", "the miller", "the king", "a young girl",
            "the wolf", "the baker", "an owl", "the farmer", "the queen", "a tired horse");
    private static final List<String> THINGS = List.of(
            "a loaf of bread", "a silver key", "some honey", "a lantern", "an apple", "a letter",
            "a basket of eggs", "a red ribbon", "an old coin", "a jar of milk", "a feather", "a map");
    private static final List<String> PLACES = List.of(
            "forest", "river", "mill", "castle", "meadow", "village", "bridge", "garden", "hill",
            "road", "market", "well", "barn", "harbour");
    private static final List<String> ADJECTIVES = List.of(
            "quiet", "golden", "dark", "narrow", "bright", "cold", "ancient", "green");
    private static final List<String> TRAVEL = List.of("walked", "ran", "hurried", "wandered", "crept", "rode");
    private static final List<String> TIMES = List.of(
            "One morning", "Late at night", "In the spring", "Long ago", "At noon", "After the rain");

    private FinetuneDemoData() {
    }

    /** The fixed completion of character {@code i}: its own thing and place. */
    static String answer(int i) {
        return THINGS.get(i % THINGS.size()) + " near the " + PLACES.get((i * 5) % PLACES.size()) + ".\n";
    }

    /**
     * {@code count} examples drawn with {@code seed}; equal arguments give equal examples.
     *
     * @throws IllegalArgumentException if {@code count} is below 2
     */
    public static List<PromptCompletion> examples(int count, long seed) {
        if (count < 2) {
            throw new IllegalArgumentException("the demo fine-tuning data needs at least 2 examples, got " + count);
        }
        var random = new SplittableRandom(seed);
        List<PromptCompletion> examples = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int who = random.nextInt(NAMES.size());
            String name = NAMES.get(who);
            String prompt = pick(random, TIMES) + ", " + name + " " + pick(random, TRAVEL) + " to the "
                    + pick(random, ADJECTIVES) + " " + pick(random, PLACES) + ".\n"
                    + name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1) + " found ";
            examples.add(new PromptCompletion(prompt, answer(who), "builtin demo example " + (n + 1)));
        }
        return List.copyOf(examples);
    }

    private static String pick(SplittableRandom random, List<String> words) {
        return words.get(random.nextInt(words.size()));
    }
}
