package dev.quire.rlhf.ranking;

import dev.quire.rlhf.data.JsonLines;
import dev.quire.rlhf.data.PreferenceFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a prompts file for a ranking session.
 *
 * <ul>
 *   <li>A file whose name ends in {@code .jsonl}: one JSON object per line with a non-empty string
 *       {@code "prompt"}; other keys are ignored, so a fine-tuning file ({@code {"prompt","completion"}}) or a
 *       preference file can serve as a prompts file. Use this form for prompts that span lines.</li>
 *   <li>Any other file: plain UTF-8 text, one prompt per line; blank lines are skipped.</li>
 * </ul>
 * A prompt may appear more than once; each occurrence is ranked.
 */
public final class Prompts {

    private Prompts() {
    }

    /**
     * The prompts of {@code file}, in order.
     *
     * @throws PreferenceFormatException naming the file and line of a problem, or an empty file
     */
    public static List<String> read(Path file) {
        boolean json = file.getFileName() != null && file.getFileName().toString().endsWith(".jsonl");
        var prompts = new ArrayList<String>();
        for (JsonLines.Line line : JsonLines.lines(file)) {
            if (json) {
                prompts.add(JsonLines.textMember(line, "prompt",
                        "(a .jsonl prompts file has one {\"prompt\": \"...\"} object per line)"));
            } else if (!line.text().isBlank()) {
                prompts.add(line.text());
            }
        }
        if (prompts.isEmpty()) {
            throw new PreferenceFormatException(file, 0, "no prompts (expected " + (json
                    ? "one {\"prompt\": \"...\"} object per line)" : "one prompt per line)"));
        }
        return List.copyOf(prompts);
    }
}
