package dev.quire.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.quire.api.ProgressListener;
import dev.quire.tokenizer.bpe.BpeTokenizer;
import dev.quire.tokenizer.bpe.BpeTrainer;
import dev.quire.tokenizer.bpe.SpecialPolicy;
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
 * side on the same text, with the ratio; plus (with {@code --training}) training and trained-vocabulary
 * figures to hold against Hugging Face {@code tokenizers} ({@code ../shared/anchors/tok_bench.js}, run
 * right after on the file this writes). Run it as {@code docs/benchmarks.md} says:
 *
 * <pre>java -p benchmarks/target/lib:benchmarks/target/quire-benchmarks-*.jar \
 *      -m dev.quire.benchmarks/dev.quire.benchmarks.TokenizerVersusJtokkit \
 *      [--shared ../shared] [--seconds 3] [--rounds 1] [--training] [--out target/bench-corpus.txt]</pre>
 *
 * <p>Corpora: Tiny Shakespeare ({@code <shared>/data/tinyshakespeare.txt}) and Java source
 * ({@code java.base/java/util/*.java} from the running JDK's {@code src.zip}, or, without one, every
 * {@code .java} file under the working directory in path order). Each figure is the best of repeated
 * whole-text {@code encodeOrdinary} runs after warm-up; Quire and jtokkit alternate, so both see the
 * same machine load; each round repeats the whole table. The ids are checked to be identical first.
 * The last line is one JSON object with every figure (best over rounds).
 */
public final class TokenizerVersusJtokkit {

    private TokenizerVersusJtokkit() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of("../shared");
        double seconds = 3.0;
        int rounds = 1;
        boolean training = false;
        Path corpusFile = Path.of("target/bench-corpus.txt");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--training" -> training = true;
                case "--out" -> corpusFile = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: TokenizerVersusJtokkit [--shared DIR] [--seconds S] [--rounds R] "
                            + "[--training] [--out FILE]; unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        String shakespeare = Files.readString(shared.resolve("data/tinyshakespeare.txt"));
        String[] javaSource = javaSources();
        String java = javaSource[1];
        String both = shakespeare + java;
        if (corpusFile.toAbsolutePath().getParent() != null) {
            Files.createDirectories(corpusFile.toAbsolutePath().getParent());
        }
        Files.writeString(corpusFile, both);
        System.out.printf(Locale.ROOT, "java %s, %d cores; corpora: shakespeare %.2f MB, java %.2f MB (%s), both %.2f MB (%s)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                mb(shakespeare), mb(java), javaSource[0], mb(both), corpusFile.toAbsolutePath());

        EncodingRegistry registry = Encodings.newDefaultEncodingRegistry();
        StringBuilder json = new StringBuilder("{");
        String[][] encodings = {{"r50k_base", "R50K_BASE"}, {"cl100k_base", "CL100K_BASE"}, {"o200k_base", "O200K_BASE"}};
        String[][] corpora = {{"shakespeare", shakespeare}, {"java", java}};
        BpeTokenizer[] quire = new BpeTokenizer[encodings.length];
        Encoding[] jtokkit = new Encoding[encodings.length];
        for (int e = 0; e < encodings.length; e++) {
            quire[e] = BpeTokenizer.tiktoken(encodings[e][0], shared.resolve("data/tiktoken/" + encodings[e][0] + ".tiktoken"));
            jtokkit[e] = registry.getEncoding(EncodingType.valueOf(encodings[e][1]));
            for (String[] corpus : corpora) {
                if (!Arrays.equals(quire[e].encodeOrdinary(corpus[1]), jtokkit[e].encodeOrdinary(corpus[1]).toArray())) {
                    throw new AssertionError(encodings[e][0] + " on " + corpus[0] + ": ids differ from jtokkit's");
                }
            }
        }
        double[][] bestQ = new double[encodings.length][corpora.length];
        double[][] bestJ = new double[encodings.length][corpora.length];
        for (double[] row : bestQ) {
            Arrays.fill(row, Double.MAX_VALUE);
        }
        for (double[] row : bestJ) {
            Arrays.fill(row, Double.MAX_VALUE);
        }
        for (int round = 1; round <= rounds; round++) {
            System.out.printf(Locale.ROOT, "round %d of %d (one thread, whole text, MB = 10^6 bytes of UTF-8)%n", round, rounds);
            for (int e = 0; e < encodings.length; e++) {
                for (int c = 0; c < corpora.length; c++) {
                    String text = corpora[c][1];
                    BpeTokenizer q = quire[e];
                    Encoding j = jtokkit[e];
                    double[] best = race(seconds, () -> q.encodeOrdinary(text).length, () -> j.encodeOrdinary(text).size());
                    bestQ[e][c] = Math.min(bestQ[e][c], best[0]);
                    bestJ[e][c] = Math.min(bestJ[e][c], best[1]);
                    double qm = mb(text) / best[0];
                    double jm = mb(text) / best[1];
                    System.out.printf(Locale.ROOT, "%-12s %-12s quire %7.1f MB/s   jtokkit %7.1f MB/s   ratio %5.2fx   (%d tokens)%n",
                            encodings[e][0], corpora[c][0], qm, jm, qm / jm, q.encodeOrdinary(text).length);
                }
            }
        }
        for (int e = 0; e < encodings.length; e++) {
            for (int c = 0; c < corpora.length; c++) {
                double qm = mb(corpora[c][1]) / bestQ[e][c];
                double jm = mb(corpora[c][1]) / bestJ[e][c];
                json.append(String.format(Locale.ROOT, "\"%s_%s_mb_per_sec\": %.1f, \"%s_%s_jtokkit_mb_per_sec\": %.1f, "
                        + "\"%s_%s_ratio\": %.2f, ", encodings[e][0], corpora[c][0], qm, encodings[e][0], corpora[c][0], jm,
                        encodings[e][0], corpora[c][0], qm / jm));
            }
        }
        if (!training) {
            json.append(String.format(Locale.ROOT, "\"rounds\": %d, \"java_corpus\": \"%s\"}", rounds, javaSource[0]));
            System.out.println(json);
            return;
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

    /**
     * {@code java.base/java/util/*.java} from the JDK's {@code src.zip}, in name order; without a
     * {@code src.zip}, every {@code .java} file under the working directory in path order.
     *
     * @return what was read, and the text
     */
    private static String[] javaSources() throws IOException {
        Path zip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (!Files.isRegularFile(zip)) {
            StringBuilder out = new StringBuilder();
            List<Path> files;
            try (var walk = Files.walk(Path.of(""))) {
                files = walk.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("target"))
                        .sorted().toList();
            }
            for (Path f : files) {
                out.append(Files.readString(f));
            }
            return new String[] {files.size() + " .java files under " + Path.of("").toAbsolutePath(), out.toString()};
        }
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
        return new String[] {"java.base/java/util/*.java of " + zip, out.toString()};
    }
}
