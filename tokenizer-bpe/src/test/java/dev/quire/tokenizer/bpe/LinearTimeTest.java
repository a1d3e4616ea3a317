package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No quadratic blow-up: 1 MB of one repeated character, and 1 MB without whitespace, each encode in
 * under a second (tiktoken's array scan would take minutes on the first). Measured as the CPU time of
 * the encoding thread, best of two runs, since the build machines are shared and wall time there
 * says more about the neighbours than about the code.
 */
class LinearTimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void oneMegabyteOfOneCharacter(String encoding) {
        BpeTokenizer tok = Fixtures.encoding(encoding);
        String text = "a".repeat(1 << 20);
        assertThat(bestSeconds(tok, text)).isLessThan(1.0);
        assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void oneMegabyteWithoutWhitespace(String encoding) {
        BpeTokenizer tok = Fixtures.encoding(encoding);
        // Letters only: one single piece of a million bytes for every rule.
        Random random = new Random(3);
        StringBuilder sb = new StringBuilder(1 << 20);
        while (sb.length() < (1 << 20)) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        String text = sb.toString();
        assertThat(bestSeconds(tok, text)).isLessThan(1.0);
        assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(ints = {4096})
    void huggingFaceMergesAreLinearToo(int size) {
        BpeTokenizer tok = Fixtures.huggingFace(size);
        String text = "ab".repeat(1 << 19);
        assertThat(bestSeconds(tok, text)).isLessThan(1.0);
    }

    private static double bestSeconds(BpeTokenizer tok, String text) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long t0 = cpuNanos();
            tok.encode(text);
            best = Math.min(best, (cpuNanos() - t0) / 1e9);
        }
        return best;
    }

    /**
     * The current thread's CPU time, through reflection: this module does not read java.management,
     * and tests run patched into it.
     */
    static long cpuNanos() {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime").invoke(mx);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
