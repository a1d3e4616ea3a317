package dev.quire.tokenizer.wordpiece;

import dev.quire.api.ProgressListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Single-thread encoding throughput of {@link WordPieceTokenizer}, measured the way the anchor
 * script {@code tok_bench.js} measures Hugging Face {@code tokenizers}: the whole file as one text,
 * and line by line.
 *
 * <pre>
 * java -p tokenizer-wordpiece/target/classes:api/target/classes:tensor/target/classes \
 *      -m dev.quire.tokenizer.wordpiece/dev.quire.tokenizer.wordpiece.WordPieceBenchmark \
 *      --input ../shared/data/tinyshakespeare.txt [--tokenizer tokenizer.json | --vocab-size 30000] [--seconds 5]
 * </pre>
 *
 * Without {@code --tokenizer} it first trains, as the anchor does, a vocabulary with Hugging Face's
 * default trainer settings (30,000 tokens, minimum frequency 0) on the input, and encodes without
 * the {@code [CLS]}/{@code [SEP]} template (the anchor's tokenizer has none). The last line is a
 * JSON object with {@code mb_per_sec} (whole text) and {@code tokens}.
 */
public final class WordPieceBenchmark {

    private WordPieceBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path input = null;
        Path tokenizerFile = null;
        int vocabSize = 30_000;
        double seconds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> input = Path.of(args[++i]);
                case "--tokenizer" -> tokenizerFile = Path.of(args[++i]);
                case "--vocab-size" -> vocabSize = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: WordPieceBenchmark --input FILE [--tokenizer FILE | --vocab-size N] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        if (input == null) {
            System.err.println("--input FILE is required");
            System.exit(2);
        }
        String text = Files.readString(input, StandardCharsets.UTF_8);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        WordPieceTokenizer tok;
        if (tokenizerFile != null) {
            tok = WordPieceTokenizer.load(tokenizerFile);
        } else {
            WordPieceTrainer.Config cfg = new WordPieceTrainer.Config(vocabSize, 0, List.of("[UNK]"), 0, List.of(), "##", 0, true, List.of());
            long t0 = System.nanoTime();
            tok = new WordPieceTrainer(cfg).train(List.of(text).iterator(), ProgressListener.NONE);
            System.out.printf(Locale.ROOT, "train (vocab %d, min_frequency 0): %.3f s, vocab=%d%n", vocabSize,
                    (System.nanoTime() - t0) / 1e9, tok.vocabSize());
            tok = tok.withPostProcessor(PostProcessor.NONE);
        }
        List<String> lines = text.lines().toList();
        final WordPieceTokenizer t = tok;
        long[] whole = measure(() -> t.encode(text).length, seconds);
        System.out.printf(Locale.ROOT, "wordpiece whole: %.2f MB/s (best of %d, %.4f s), tokens=%d%n",
                mb / (whole[0] / 1e9), whole[2], whole[0] / 1e9, whole[1]);
        long[] perLine = measure(() -> {
            long n = 0;
            for (String l : lines) {
                n += t.encode(l).length;
            }
            return n;
        }, seconds);
        System.out.printf(Locale.ROOT, "wordpiece per-line: %.2f MB/s (best of %d, %.4f s), tokens=%d%n",
                mb / (perLine[0] / 1e9), perLine[2], perLine[0] / 1e9, perLine[1]);
        long[] offsets = measure(() -> t.encoding(text).length(), Math.min(seconds, 2));
        System.out.printf(Locale.ROOT, "wordpiece whole with offsets and tokens: %.2f MB/s (best of %d), tokens=%d%n",
                mb / (offsets[0] / 1e9), offsets[2], offsets[1]);
        System.out.printf(Locale.ROOT, "{\"mb_per_sec\": %.3f, \"tokens\": %d, \"per_line_mb_per_sec\": %.3f}%n",
                mb / (whole[0] / 1e9), whole[1], mb / (perLine[0] / 1e9));
    }

    private interface Run {
        long run();
    }

    /** {best nanoseconds, result, runs}: repeats for about {@code seconds} after a warm-up. */
    private static long[] measure(Run run, double seconds) {
        long result = 0;
        long warmEnd = System.nanoTime() + (long) (Math.max(1, seconds / 2) * 1e9);
        while (System.nanoTime() < warmEnd) {
            result = run.run();
        }
        long best = Long.MAX_VALUE;
        int runs = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (runs < 3 || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            result = run.run();
            best = Math.min(best, System.nanoTime() - t0);
            runs++;
        }
        return new long[] {best, result, runs};
    }
}
