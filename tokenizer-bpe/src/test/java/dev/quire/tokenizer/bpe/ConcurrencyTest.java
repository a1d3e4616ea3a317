package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One tokenizer shared by many threads gives the same ids as one thread. */
class ConcurrencyTest {

    @Test
    void encodeAllEqualsSequentialEncoding() {
        BpeTokenizer tok = Fixtures.encoding("o200k_base");
        List<String> lines = Fixtures.shakespeare().lines().limit(20_000).toList();
        List<int[]> parallel = tok.encodeAll(lines);
        assertThat(parallel).hasSize(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(parallel.get(i)).containsExactly(tok.encode(lines.get(i)));
        }
    }

    @Test
    void sharedAcrossThreads() throws Exception {
        BpeTokenizer tok = Fixtures.encoding("cl100k_base");
        List<String> texts = Fixtures.caseTexts();
        List<int[]> expected = texts.stream().map(tok::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < texts.size(); i++) {
                            if (!java.util.Arrays.equals(tok.encode(texts.get(i)), expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
    }
}
