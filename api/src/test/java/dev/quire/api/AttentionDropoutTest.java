package dev.quire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dropout mask is part of the SPI's contract: a pure function of the seed and the indices, equal to
 * the SplitMix64 construction the class comment spells out, keeping a fraction {@code 1 − rate}.
 */
class AttentionDropoutTest {

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, -Double.MIN_VALUE, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void ratesOutsideZeroToOneAreRejectedNamingTheRange(double rate) {
        assertThatThrownBy(() -> new AttentionDropout(rate, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1)")
                .hasMessageContaining(String.valueOf(rate));
    }

    @Test
    void zeroAndRatesBelowOneAreAccepted() {
        assertThat(new AttentionDropout(0, 5).active()).isFalse();
        assertThat(AttentionDropout.NONE.active()).isFalse();
        assertThat(AttentionDropout.NONE.rate()).isZero();
        assertThat(new AttentionDropout(0.999999, 5).active()).isTrue();
        assertThat(new AttentionDropout(0.2, 5).keepScale()).isEqualTo((float) (1 / 0.8));
        assertThat(AttentionDropout.NONE.keepScale()).isEqualTo(1f);
    }

    @Test
    void rateZeroKeepsEverything() {
        AttentionDropout none = new AttentionDropout(0, 123);
        for (int j = 0; j < 10_000; j++) {
            assertThat(none.keeps(1, 2, 3, j)).isTrue();
        }
    }

    /**
     * The function, checked against an independent implementation: the JDK's {@link SplittableRandom}
     * is SplitMix64, whose n-th {@code nextLong()} from seed s is {@code mix(s + G·n)} (n from 1) and whose
     * {@code nextDouble()} is {@code (nextLong() >>> 11)·2⁻⁵³}. So the row key is the (i+1)-th long of a
     * generator seeded with the (h+1)-th long of one seeded with the (b+1)-th long of one seeded with
     * {@code seed}, and element j is kept when the (j+1)-th double from the row key is at least the rate.
     */
    @Test
    void theMaskIsTheDocumentedSplitMix64Construction() {
        long[] seeds = {0, 1, -1, 42, Long.MIN_VALUE, 0x1234_5678_9ABC_DEF0L};
        double[] rates = {0.1, 0.5, 0.9};
        for (long seed : seeds) {
            for (double rate : rates) {
                AttentionDropout dropout = new AttentionDropout(rate, seed);
                for (int b = 0; b < 3; b++) {
                    long bKey = nthLong(seed, b);
                    for (int h = 0; h < 3; h++) {
                        long hKey = nthLong(bKey, h);
                        for (int i = 0; i < 5; i++) {
                            long row = nthLong(hKey, i);
                            assertThat(dropout.rowKey(b, h, i)).isEqualTo(row);
                            SplittableRandom stream = new SplittableRandom(row);
                            for (int j = 0; j < 40; j++) {
                                boolean expected = stream.nextDouble() >= rate;
                                assertThat(dropout.keeps(b, h, i, j)).as("seed %d rate %s (%d, %d, %d, %d)",
                                        seed, rate, b, h, i, j).isEqualTo(expected);
                                assertThat(dropout.keeps(row, j)).isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Pinned values: a change to the function (which changes every result with dropout) fails here. */
    @Test
    void theMaskIsPinned() {
        AttentionDropout dropout = new AttentionDropout(0.5, 2026);
        StringBuilder bits = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            bits.append(dropout.keeps(1, 2, 3, j) ? '1' : '0');
        }
        assertThat(bits.toString()).isEqualTo(PINNED);
        // Large indices widen to long without overflow trouble and still give a decision.
        assertThat(dropout.rowKey(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE))
                .isEqualTo(nthLong(nthLong(nthLong(2026, Integer.MAX_VALUE), Integer.MAX_VALUE), Integer.MAX_VALUE));
    }

    private static final String PINNED = "1111100100011001101011110111001001010010011101110101110011011000";

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9, 0.001})
    void theKeptFractionIsWithinFourSigmaOfOneMinusTheRate(double rate) {
        AttentionDropout dropout = new AttentionDropout(rate, 7);
        // 2 × 4 × 512 × 256 = 1,048,576 elements, over every index.
        long n = 0;
        long kept = 0;
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 4; h++) {
                for (int i = 0; i < 512; i++) {
                    long row = dropout.rowKey(b, h, i);
                    for (int j = 0; j < 256; j++) {
                        n++;
                        if (dropout.keeps(row, j)) {
                            kept++;
                        }
                    }
                }
            }
        }
        double expected = n * (1 - rate);
        double sigma = Math.sqrt(n * rate * (1 - rate));
        assertThat(Math.abs(kept - expected)).as("kept %d of %d at rate %s (σ = %.1f)", kept, n, rate, sigma)
                .isLessThanOrEqualTo(4 * sigma);
    }

    @Test
    void theSameSeedGivesTheSameMaskAndAnotherSeedAnother() {
        AttentionDropout a = new AttentionDropout(0.3, 99);
        AttentionDropout same = new AttentionDropout(0.3, 99);
        AttentionDropout other = new AttentionDropout(0.3, 100);
        int differ = 0;
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                assertThat(same.keeps(0, 1, i, j)).isEqualTo(a.keeps(0, 1, i, j));
                if (other.keeps(0, 1, i, j) != a.keeps(0, 1, i, j)) {
                    differ++;
                }
            }
        }
        // Independent masks at rate 0.3 differ in 2·0.3·0.7 = 42% of 4096 elements.
        assertThat(differ).isBetween(1400, 2100);
    }

    @Test
    void theIndicesAreNotInterchangeable() {
        AttentionDropout dropout = new AttentionDropout(0.5, 3);
        assertThat(dropout.rowKey(0, 1, 2)).isNotEqualTo(dropout.rowKey(1, 0, 2));
        assertThat(dropout.rowKey(0, 1, 2)).isNotEqualTo(dropout.rowKey(0, 2, 1));
        assertThat(dropout.rowKey(2, 1, 0)).isNotEqualTo(dropout.rowKey(0, 1, 2));
    }

    @Test
    void theDefaultMethodDelegatesAtRateZeroAndRefusesDropoutOtherwise() {
        Tensor marker = Tensor.zeros(1);
        // A third-party implementation written before dropout: only the four-argument method.
        Attention legacy = (q, k, v, mask) -> new AttentionResult(marker, marker);
        Tensor x = Tensor.zeros(1, 1, 1, 1);

        assertThat(legacy.forward(x, x, x, AttentionMask.NONE, AttentionDropout.NONE).output()).isSameAs(marker);
        assertThat(legacy.forward(x, x, x, AttentionMask.NONE, new AttentionDropout(0, 9)).output()).isSameAs(marker);
        assertThatThrownBy(() -> legacy.forward(x, x, x, AttentionMask.NONE, new AttentionDropout(0.1, 9)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("does not support dropout")
                .hasMessageContaining("0.1");
        assertThatThrownBy(() -> legacy.forward(x, x, x, AttentionMask.NONE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AttentionDropout.NONE");
    }

    /** The n-th (from 0) {@code nextLong()} of {@code new SplittableRandom(seed)}. */
    private static long nthLong(long seed, int n) {
        if (n > 1000) {
            // SplittableRandom(seed + G·n) starts where the first generator's n-th step is.
            return new SplittableRandom(seed + 0x9E3779B97F4A7C15L * n).nextLong();
        }
        SplittableRandom random = new SplittableRandom(seed);
        long value = 0;
        for (int step = 0; step <= n; step++) {
            value = random.nextLong();
        }
        return value;
    }
}
