package dev.quire.benchmarks;

import dev.quire.tokenizer.bpe.BpeTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a 30,000-token byte-level BPE on one large file with a fixed heap, to show that training
 * holds word counts rather than the text: run it with {@code -Xmx} well below the corpus size.
 *
 * <p>Usage: {@code BpeTrainingMemory FILE [VOCAB]}. Prints progress on standard error and, last, one
 * JSON object with the vocabulary size, seconds, corpus bytes and the heap limit.
 */
public final class BpeTrainingMemory {

    private BpeTrainingMemory() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BpeTrainingMemory FILE [VOCAB]");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        int vocab = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
        long start = System.nanoTime();
        long[] lastReport = {0};
        var tokenizer = new BpeTrainer(vocab, 2, List.of("<|endoftext|>")).trainFiles(List.of(corpus),
                (done, total, message) -> {
                    long now = System.nanoTime();
                    if (now - lastReport[0] > 500_000_000L || done == total) {
                        lastReport[0] = now;
                        System.err.printf("%,d / %,d  %s%n", done, total, message);
                    }
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("{\"vocab_size\": %d, \"seconds\": %.2f, \"corpus_bytes\": %d, \"max_heap_bytes\": %d}%n",
                tokenizer.vocabSize(), seconds, corpus.toFile().length(), Runtime.getRuntime().maxMemory());
    }
}
