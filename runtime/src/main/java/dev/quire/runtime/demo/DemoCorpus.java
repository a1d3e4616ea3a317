package dev.quire.runtime.demo;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's corpus, generated rather than downloaded: short fables from a small grammar.
 *
 * <p>The grammar is regular enough that a character-level model learns spelling, spacing,
 * punctuation and sentence shape within a minute of training, and varied enough (about 10⁹
 * distinct sentences) that it cannot simply memorize the text. The same seed gives the same text.
 */
public final class DemoCorpus {

    private static final List<String> NAMES = List.of(
            "the fox", "the old crow", "a small mouse", "the miller", "the king", "a young girl",
            "the wolf", "the baker", "an owl", "the farmer", "the queen", "a tired horse",
            "the little hen", "the shepherd", "a grey cat", "the fisherman");
    private static final List<String> ADJECTIVES = List.of(
            "quiet", "golden", "dark", "narrow", "bright", "cold", "ancient", "green", "hidden",
            "broken", "warm", "deep", "crooked", "silver");
    private static final List<String> PLACES = List.of(
            "forest", "river", "mill", "castle", "meadow", "village", "bridge", "garden", "hill",
            "road", "market", "well", "barn", "harbour");
    private static final List<String> THINGS = List.of(
            "a loaf of bread", "a silver key", "some honey", "a lantern", "an apple", "a letter",
            "a basket of eggs", "a red ribbon", "an old coin", "a jar of milk", "a feather", "a map");
    private static final List<String> TRAVEL = List.of(
            "walked", "ran", "hurried", "wandered", "crept", "rode", "climbed", "came back");
    private static final List<String> FIND = List.of(
            "found", "lost", "carried", "hid", "shared", "sold", "wanted", "forgot");
    private static final List<String> TIMES = List.of(
            "One morning", "Late at night", "In the spring", "Long ago", "At noon", "After the rain",
            "On a winter evening", "Before dawn");
    private static final List<String> FEELINGS = List.of(
            "happy", "afraid", "hungry", "proud", "sorry", "curious", "angry", "glad");
    private static final List<String> SAYINGS = List.of(
            "Who goes there?", "I will not give it back.", "Come with me to the %s.",
            "Have you seen %s?", "The %s is no place for you.", "Thank you, friend.",
            "We should go home now.", "Do not be %s.");
    private static final List<String> MORALS = List.of(
            "Slow and steady wins the race.", "A friend in need is a friend indeed.",
            "Look before you leap.", "Kindness is never wasted.", "Pride goes before a fall.",
            "Many hands make light work.");

    private DemoCorpus() {
    }

    /**
     * Generates fables until the text reaches about {@code approxChars} characters.
     *
     * @param seed        the random seed; equal seeds give equal text
     * @param approxChars the length to stop at (the last fable is finished, so slightly more)
     * @return the corpus, plain ASCII, one sentence after another, fables separated by blank lines
     */
    public static String generate(long seed, int approxChars) {
        if (approxChars <= 0) {
            throw new IllegalArgumentException("approxChars must be positive, got " + approxChars);
        }
        var random = new SplittableRandom(seed);
        var text = new StringBuilder(approxChars + 1024);
        while (text.length() < approxChars) {
            appendFable(text, random);
        }
        return text.toString();
    }

    private static void appendFable(StringBuilder out, SplittableRandom random) {
        String hero = pick(random, NAMES);
        String other = pick(random, NAMES);
        while (other.equals(hero)) {
            other = pick(random, NAMES);
        }
        String place = pick(random, PLACES);
        out.append(pick(random, TIMES)).append(", ").append(hero).append(' ')
                .append(pick(random, TRAVEL)).append(" to the ").append(pick(random, ADJECTIVES))
                .append(' ').append(place).append(".\n");
        int sentences = 2 + random.nextInt(4);
        for (int i = 0; i < sentences; i++) {
            appendSentence(out, random, hero, other);
        }
        out.append("Moral: ").append(pick(random, MORALS)).append("\n\n");
    }

    /**
     * A fable's opening line: {@code "One morning, the fox walked to the quiet forest.\n"}.
     *
     * @return the opening and the two characters of the fable, {@code [opening, hero, other]}
     */
    static String[] opening(SplittableRandom random) {
        String hero = pick(random, NAMES);
        String other = pick(random, NAMES);
        while (other.equals(hero)) {
            other = pick(random, NAMES);
        }
        String place = pick(random, PLACES);
        String line = pick(random, TIMES) + ", " + hero + ' ' + pick(random, TRAVEL) + " to the "
                + pick(random, ADJECTIVES) + ' ' + place + ".\n";
        return new String[] {line, hero, other};
    }

    /** One sentence of a fable's body about {@code hero} and {@code other}, ending with a newline. */
    static String sentence(SplittableRandom random, String hero, String other) {
        var out = new StringBuilder();
        appendSentence(out, random, hero, other);
        return out.toString();
    }

    /** The feelings a sentence can name, for the demo's gold reward. */
    static List<String> feelings() {
        return FEELINGS;
    }

    private static void appendSentence(StringBuilder out, SplittableRandom random, String hero, String other) {
        switch (random.nextInt(4)) {
            case 0 -> out.append(capitalize(hero)).append(' ').append(pick(random, FIND)).append(' ')
                    .append(pick(random, THINGS)).append(" near the ").append(pick(random, PLACES))
                    .append(".\n");
            case 1 -> out.append(capitalize(other)).append(" was ").append(pick(random, FEELINGS))
                    .append(" and said, \"").append(saying(random, other)).append("\"\n");
            case 2 -> out.append("Then ").append(hero).append(" and ").append(other).append(' ')
                    .append(pick(random, TRAVEL)).append(" past the ").append(pick(random, ADJECTIVES))
                    .append(' ').append(pick(random, PLACES)).append(".\n");
            default -> out.append(capitalize(hero)).append(" gave ").append(other).append(' ')
                    .append(pick(random, THINGS)).append(", and ").append(other).append(" was ")
                    .append(pick(random, FEELINGS)).append(".\n");
        }
    }

    private static String saying(SplittableRandom random, String speaker) {
        String template = pick(random, SAYINGS);
        if (!template.contains("%s")) {
            return template;
        }
        return switch (template) {
            case "Have you seen %s?" -> template.formatted(pick(random, THINGS));
            case "Do not be %s." -> template.formatted(pick(random, FEELINGS));
            default -> template.formatted(pick(random, PLACES));
        };
    }

    private static String pick(SplittableRandom random, List<String> words) {
        return words.get(random.nextInt(words.size()));
    }

    private static String capitalize(String phrase) {
        return Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1);
    }
}
