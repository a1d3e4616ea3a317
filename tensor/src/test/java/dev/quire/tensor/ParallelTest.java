package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void coversTheRangeExactlyOnceInContiguousChunks() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 5}) {
                Parallel.setThreads(threads);
                assertThat(Parallel.threads()).isEqualTo(threads);
                for (int n : new int[] {0, 1, 2, 3, 7, 1000}) {
                    int[] hits = new int[n];
                    AtomicInteger chunks = new AtomicInteger();
                    Parallel.forRange(n, (from, to) -> {
                        assertThat(from).isLessThan(to);
                        chunks.incrementAndGet();
                        for (int i = from; i < to; i++) hits[i]++;
                    });
                    for (int h : hits) assertThat(h).isEqualTo(1);
                    assertThat(chunks.get()).isLessThanOrEqualTo(Math.max(1, 4 * threads)); // a few chunks per thread
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void usesHelperThreadsAndRunsNestedLoopsInline() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(3);
            var names = ConcurrentHashMap.<String>newKeySet();
            AtomicInteger inner = new AtomicInteger();
            Parallel.forRange(3, (f, t) -> {
                names.add(Thread.currentThread().getName());
                Parallel.forRange(100, (f2, t2) -> inner.addAndGet(t2 - f2));
            });
            assertThat(inner.get()).isEqualTo(300);
            assertThat(names).contains(Thread.currentThread().getName());
            // grain: cheap items below two grains stay on the caller.
            var single = ConcurrentHashMap.<String>newKeySet();
            Parallel.forRange(100, 64, (f, t) -> single.add(Thread.currentThread().getName()));
            assertThat(single).containsExactly(Thread.currentThread().getName());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void forEachIndexClaimsEveryIndexOnceAsItsOwnChunk() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {0, 1, 2, 43, 200}) {
                    int[] hits = new int[n];
                    AtomicInteger chunks = new AtomicInteger();
                    Parallel.forEachIndex(n, (from, to) -> {
                        chunks.incrementAndGet();
                        if (threads > 1 && n > 1) {
                            assertThat(to - from).isEqualTo(1); // one index per claim, for an even finish
                        }
                        for (int i = from; i < to; i++) hits[i]++;
                    });
                    for (int h : hits) assertThat(h).isEqualTo(1);
                    assertThat(chunks.get()).isEqualTo(threads == 1 || n <= 1 ? Math.min(n, 1) : n);
                }
            }
            // Nested inside another loop: inline, one chunk.
            Parallel.setThreads(2);
            AtomicInteger nested = new AtomicInteger();
            Parallel.forRange(2, (f, t) -> Parallel.forEachIndex(10, (f2, t2) -> nested.incrementAndGet()));
            assertThat(nested.get()).isEqualTo(2);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void exceptionsReachTheCaller() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            assertThatThrownBy(() -> Parallel.forRange(2, (f, t) -> {
                if (f == 1) throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            // The pool still works afterwards.
            AtomicInteger n = new AtomicInteger();
            Parallel.forRange(2, (f, t) -> n.addAndGet(t - f));
            assertThat(n.get()).isEqualTo(2);
            assertThatThrownBy(() -> Parallel.setThreads(0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
