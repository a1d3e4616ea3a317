package dev.quire.tokenizer.bpe;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.quire.api.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Single-thread encoding speed of Quire's byte-level BPE against jtokkit 1.1.0 in the same JVM, side by
 * side on the same text, plus training and trained-vocabulary figures to hold against Hugging Face
 * {@code tokenizers} ({@code ../shared/anchors/tok_bench.js}, run right after on the file this writes).
 * Not a test; run it as BENCHMARKS.md says:
 *
 * <pre>java -cp ... dev.quire.tokenizer.bpe.TokenizerBenchmark ../shared [seconds-per-measurement]</pre>
 *
 * <p>Corpora: Tiny Shakespeare, Java source ({@code java.base/java/util/*.java} from the running JDK's
 * {@code src.zip}), and the two together (also written to {@code target/bench-corpus.txt} for the
 * anchor scripts). Each figure is the best of repeated whole-text encodings after warm-up; Quire and
 * jtokkit alternate, so both see the same machine load. The ids are checked to be identical.
 */
public final class TokenizerBenchmark {

    private TokenizerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
        String shakespeare = Files.readString(shared.resolve("data/tinyshakespeare.txt"));
        String java = javaSources();
        String both = shakespeare + java;
        Path corpusFile = Path.of("target/bench-corpus.txt");
        Files.createDirectories(corpusFile.getParent());
        Files.writeString(corpusFile, both);
        System.out.printf(Locale.ROOT, "java %s, %d cores; corpora: shakespeare %.2f MB, java %.2f MB, both %.2f MB (%s)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                mb(shakespeare), mb(java), mb(both), corpusFile.toAbsolutePath());

        EncodingRegistry registry = Encodings.newDefaultEncodingRegistry();
        StringBuilder json = new StringBuilder("{");
        String[][] encodings = {{"r50k_base", "R50K_BASE"}, {"cl100k_base", "CL100K_BASE"}, {"o200k_base", "O200K_BASE"}};
        for (String[] e : encodings) {
            BpeTokenizer quire = BpeTokenizer.tiktoken(e[0], shared.resolve("data/tiktoken/" + e[0] + ".tiktoken"));
            Encoding jtokkit = registry.getEncoding(EncodingType.valueOf(e[1]));
            for (String[] corpus : new String[][] {{"shakespeare", shakespeare}, {"java", java}}) {
                String text = corpus[1];
                int[] ours = quire.encodeOrdinary(text);
                int[] theirs = jtokkit.encodeOrdinary(text).toArray();
                if (!Arrays.equals(ours, theirs)) {
                    throw new AssertionError(e[0] + " on " + corpus[0] + ": ids differ from jtokkit's");
                }
                double[] best = race(seconds, () -> quire.encodeOrdinary(text).length, () -> jtokkit.encodeOrdinary(text).size());
                double q = mb(text) / best[0];
                double j = mb(text) / best[1];
                System.out.printf(Locale.ROOT, "%-12s %-12s quire %7.1f MB/s   jtokkit %7.1f MB/s   ratio %5.2fx   (%d tokens)%n",
                        e[0], corpus[0], q, j, q / j, ours.length);
                json.append(String.format(Locale.ROOT, "\"%s_%s_mb_per_sec\": %.1f, \"%s_%s_jtokkit_mb_per_sec\": %.1f, ",
                        e[0], corpus[0], q, e[0], corpus[0], j));
            }
        }

        // Training as the npm anchor does it: tokenizers' default BpeTrainer (vocabulary 30,000, minimum
        // frequency 0, no special tokens, no initial alphabet), the file fed line by line, one thread.
        List<String> lines = new ArrayList<>();
        BpeTrainer.lines(corpusFile).forEachRemaining(lines::add);
        BpeTrainer trainer = new BpeTrainer(30_000, 0, List.of(), false);
        double bestTrain = Double.MAX_VALUE;
        BpeTokenizer trained = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            trained = trainer.train(lines.iterator(), ProgressListener.NONE);
            bestTrain = Math.min(bestTrain, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "train BPE 30k (default trainer) on both: %.3f s (best of 3), vocabulary %d%n",
                bestTrain, trained.vocabSize());
        BpeTokenizer t = trained;
        double enc = best(seconds, () -> t.encode(both).length);
        System.out.printf(Locale.ROOT, "trained 30k BPE encode both (whole text): %.1f MB/s (%d tokens)%n",
                mb(both) / enc, t.encode(both).length);
        double perLine = best(seconds, () -> {
            int n = 0;
            for (String l : lines) {
                n += t.encode(l).length;
            }
            return n;
        });
        System.out.printf(Locale.ROOT, "trained 30k BPE encode both (per line): %.1f MB/s%n", mb(both) / perLine);
        double par = best(seconds, () -> t.encodeAll(lines).size());
        System.out.printf(Locale.ROOT, "trained 30k BPE encodeAll lines, %d threads: %.1f MB/s%n",
                Runtime.getRuntime().availableProcessors(), mb(both) / par);
        BpeTokenizer cl100k = BpeTokenizer.tiktoken("cl100k_base", shared.resolve("data/tiktoken/cl100k_base.tiktoken"));
        double one = best(seconds, () -> {
            int n = 0;
            for (String l : lines) {
                n += cl100k.encodeOrdinary(l).length;
            }
            return n;
        });
        double many = best(seconds, () -> cl100k.encodeAll(lines, SpecialPolicy.ORDINARY).size());
        System.out.printf(Locale.ROOT, "cl100k_base lines: 1 thread %.1f MB/s, encodeAll on %d threads %.1f MB/s%n",
                mb(both) / one, Runtime.getRuntime().availableProcessors(), mb(both) / many);
        json.append(String.format(Locale.ROOT, "\"train_30k_seconds\": %.3f, \"trained_encode_mb_per_sec\": %.1f, "
                + "\"trained_encode_lines_mb_per_sec\": %.1f}", bestTrain, mb(both) / enc, mb(both) / perLine));
        System.out.println(json);
    }

    /** Best seconds of {@code a} after one warm-up run, repeated for about {@code seconds} seconds. */
    private static double best(double seconds, Supplier<Integer> a) {
        a.get();
        double best = Double.MAX_VALUE;
        double spent = 0;
        int sink = 0;
        while (spent < seconds) {
            long t0 = System.nanoTime();
            sink += a.get();
            double d = (System.nanoTime() - t0) / 1e9;
            best = Math.min(best, d);
            spent += d;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return best;
    }

    /**
     * Best seconds of {@code a} and {@code b}, run alternately (one warm-up each first) until each has
     * had about {@code seconds} seconds.
     */
    private static double[] race(double seconds, Supplier<Integer> a, Supplier<Integer> b) {
        a.get();
        b.get();
        double bestA = Double.MAX_VALUE;
        double bestB = Double.MAX_VALUE;
        double spentA = 0;
        double spentB = 0;
        int sink = 0;
        while (spentA < seconds || spentB < seconds) {
            long t0 = System.nanoTime();
            sink += a.get();
            double da = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            sink += b.get();
            double db = (System.nanoTime() - t0) / 1e9;
            bestA = Math.min(bestA, da);
            bestB = Math.min(bestB, db);
            spentA += da;
            spentB += db;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {bestA, bestB};
    }

    private static double mb(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length / 1e6;
    }

    /** {@code java.base/java/util/*.java} from the JDK's {@code src.zip}, in name order. */
    private static String javaSources() throws IOException {
        Path zip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        List<String> names = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                String n = en.nextElement().getName();
                if (n.startsWith("java.base/java/util/") && n.endsWith(".java") && n.indexOf('/', 20) < 0) {
                    names.add(n);
                }
            }
            names.sort(null);
            for (String n : names) {
                try (InputStream in = z.getInputStream(z.getEntry(n))) {
                    out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out.toString();
    }
}
