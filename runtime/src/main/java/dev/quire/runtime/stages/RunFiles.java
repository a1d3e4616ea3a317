package dev.quire.runtime.stages;

import java.nio.file.Path;

/** The files a run writes into its output directory. */
public final class RunFiles {

    /** {@code loss.png}: the chart of the training and validation loss, drawn at the end of pretraining. */
    public static final String LOSS_CHART = "loss.png";

    private RunFiles() {
    }

    /** {@code checkpoint-latest.pb}: the state after the last checkpointed step (resumable). */
    public static Path latest(Path output) {
        return output.resolve("checkpoint-latest.pb");
    }

    /** {@code checkpoint-best.pb}: the state at the best validation loss so far. */
    public static Path best(Path output) {
        return output.resolve("checkpoint-best.pb");
    }

    /** {@code checkpoint-step-<step>.pb}: one of the last {@code keepLast} checkpoints (zero-padded to 10 digits). */
    public static Path step(Path output, long step) {
        return output.resolve(String.format(java.util.Locale.ROOT, "checkpoint-step-%010d.pb", step));
    }

    /** The {@code checkpoint-step-<step>.pb} files of a directory, oldest first. */
    public static java.util.List<Path> steps(Path output) {
        try (var files = java.nio.file.Files.list(output)) {
            return files.filter(p -> p.getFileName().toString().matches("checkpoint-step-\\d{10}\\.pb")).sorted().toList();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    /** {@code metrics.jsonl}: one JSON object per line, each tagged with its stage. */
    public static Path metrics(Path output) {
        return output.resolve("metrics.jsonl");
    }

    /** {@code samples.txt}: every sample the sample stage printed. */
    public static Path samples(Path output) {
        return output.resolve("samples.txt");
    }

    /** The checkpoint named by a stage's {@code checkpoint:} option ({@code latest} or {@code best}). */
    public static Path named(Path output, String which) {
        return "best".equals(which) ? best(output) : latest(output);
    }

    private static final java.util.regex.Pattern PRETRAIN_RECORD =
            java.util.regex.Pattern.compile("^\\{\"stage\":\"pretrain\",\"step\":(\\d{1,18})[,}]");

    /**
     * When resuming from step {@code step}: removes the pretrain records of later steps that an
     * interrupted run wrote after its last checkpoint, if they are the end of the file (so the resumed
     * run's records replace them and every step appears once).
     *
     * @return the number of lines removed
     */
    public static int dropPretrainRecordsAfter(Path metrics, long step) {
        if (!java.nio.file.Files.isRegularFile(metrics)) {
            return 0;
        }
        try (var channel = java.nio.channels.FileChannel.open(metrics, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            byte[] bytes = java.nio.file.Files.readAllBytes(metrics);
            long cut = -1;
            int dropped = 0;
            int start = 0;
            while (start < bytes.length) {
                int end = start;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                String line = new String(bytes, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
                var m = PRETRAIN_RECORD.matcher(line);
                boolean pretrain = m.find();
                if (cut < 0 && pretrain && Long.parseLong(m.group(1)) > step) {
                    cut = start;
                }
                if (cut >= 0) {
                    if (!pretrain && !line.isBlank()) {
                        return 0; // another stage ran after them: history, leave it
                    }
                    dropped += line.isBlank() ? 0 : 1;
                }
                start = end + 1;
            }
            if (cut >= 0) {
                channel.truncate(cut);
                channel.force(true);
            }
            return dropped;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot rewrite " + metrics, e);
        }
    }
}
