package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The raw kernels against a naive double loop, on ragged sizes that exercise every edge path. */
class MatMulTest {

    private static final int[] SIZES = {1, 2, 5, 6, 7, 13, 16, 17, 63, 64, 65, 130};

    /** form 0 = nn, 1 = nt, 2 = tn. */
    private static void run(int form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                            int m, int k, int n, boolean acc) {
        switch (form) {
            case 0 -> MatMul.nn(a, aOff, b, bOff, c, cOff, m, k, n, acc);
            case 1 -> MatMul.nt(a, aOff, b, bOff, c, cOff, m, k, n, acc);
            default -> MatMul.tn(a, aOff, b, bOff, c, cOff, m, k, n, acc);
        }
    }

    private static double elemA(int form, float[] a, int aOff, int m, int k, int i, int p) {
        return form == 2 ? a[aOff + p * m + i] : a[aOff + i * k + p];
    }

    private static double elemB(int form, float[] b, int bOff, int k, int n, int p, int j) {
        return form == 1 ? b[bOff + j * k + p] : b[bOff + p * n + j];
    }

    private static void compare(int form, int m, int k, int n, boolean acc, SplittableRandom rng) {
        int aOff = 3, bOff = 5, cOff = 7;
        float[] a = GradCheck.random(rng, aOff + m * k, -1, 1);
        float[] b = GradCheck.random(rng, bOff + k * n + 2, -1, 1);
        float[] c = GradCheck.random(rng, cOff + m * n + 4, -1, 1);
        float[] before = c.clone();
        run(form, a, aOff, b, bOff, c, cOff, m, k, n, acc);
        for (int i = 0; i < cOff; i++) assertThat(c[i]).isEqualTo(before[i]);
        for (int i = cOff + m * n; i < c.length; i++) assertThat(c[i]).isEqualTo(before[i]);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? before[cOff + i * n + j] : 0;
                double mag = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double t = elemA(form, a, aOff, m, k, i, p) * elemB(form, b, bOff, k, n, p, j);
                    s += t;
                    mag += Math.abs(t);
                }
                double got = c[cOff + i * n + j];
                if (Math.abs(got - s) > 1e-6 * mag + 1e-7) {
                    fail("form %d m=%d k=%d n=%d acc=%s: C[%d,%d] = %s, expected %s", form, m, k, n, acc, i, j, got, s);
                }
            }
        }
    }

    @Test
    void allFormsOnRaggedSizes() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int form = 0; form < 3; form++) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    int k = SIZES[(m * 7 + n) % SIZES.length];
                    compare(form, m, k, n, (m + n) % 2 == 0, rng);
                }
            }
        }
    }

    @Test
    void deepKBlocksAndParallelSplits() {
        SplittableRandom rng = new SplittableRandom(12);
        for (int form = 0; form < 3; form++) {
            compare(form, 37, MatMul.KC * 2 + 9, 70, false, rng);   // several k blocks
            compare(form, 37, MatMul.KC + 1, 70, true, rng);
            compare(form, 200, 64, 300, false, rng);                // parallel: row blocks and panel chunks
            compare(form, 500, 70, 40, true, rng);                  // parallel by row blocks
        }
        compare(0, 4, 0, 5, false, rng);                            // k = 0 clears C
    }

    @Test
    void thinEdgesColumnGroupsAndSharedPanels() {
        SplittableRandom rng = new SplittableRandom(14);
        for (int form = 0; form < 3; form++) {
            compare(form, 300, 2 * MatMul.KC + 3, 65, true, rng);    // shared packed B, thin 65th column, 3 k blocks
            compare(form, 130, 40, 2 * MatMul.NR + 3, false, rng);   // a thin edge of 3 columns
            compare(form, 150, 30, 4, false, rng);                   // n <= THIN: only the thin path
            compare(form, 9, 20, MatMul.NC_PANELS * MatMul.NR + 70, true, rng); // two column groups
            compare(form, 100, 64, 700, false, rng);                 // one row block, split by panel chunks
        }
    }

    @Test
    void thinColumnsAreBitIdenticalForAnyThreadCountAndAgreeWithOneRow() {
        // The 65-wide head's shape, with several k blocks: the thin path's result must not depend on the
        // split over threads, and a 1-row product (one row block, no shared panels) gives C's first row.
        SplittableRandom rng = new SplittableRandom(15);
        int m = 260, k = MatMul.KC + 200, n = 65;
        float[] a = GradCheck.random(rng, m * k, -1, 1), b = GradCheck.random(rng, k * n, -1, 1);
        int before = Parallel.threads();
        try {
            for (int form = 0; form < 3; form++) {
                float[] reference = null;
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] c = new float[m * n];
                    run(form, a, 0, b, 0, c, 0, m, k, n, false);
                    if (reference == null) reference = c;
                    else assertThat(c).as("form %d, %d threads", form, threads).containsExactly(reference);
                }
                if (form == 0) {
                    float[] row = new float[n];
                    MatMul.nn(a, 0, b, 0, row, 0, 1, k, n, false);
                    assertThat(row).containsExactly(java.util.Arrays.copyOf(reference, n));
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(13);
        int m = 301, k = 290, n = 333;
        float[] a = GradCheck.random(rng, m * k, -1, 1), b = GradCheck.random(rng, k * n, -1, 1);
        int before = Parallel.threads();
        try {
            for (int form = 0; form < 3; form++) {
                float[] reference = null;
                for (int threads : new int[] {1, 2, 3, 4}) {
                    Parallel.setThreads(threads);
                    float[] c = new float[m * n];
                    run(form, a, 0, b, 0, c, 0, m, k, n, false);
                    if (reference == null) reference = c;
                    else assertThat(c).as("form %d, %d threads", form, threads).containsExactly(reference);
                }
                // The small single-threaded path agrees with the blocked parallel one element by element:
                // a 1-row product of the same data gives C's first row exactly.
                float[] row = new float[n];
                if (form == 0) {
                    MatMul.nn(a, 0, b, 0, row, 0, 1, k, n, false);
                    for (int j = 0; j < n; j++) assertThat(row[j]).isEqualTo(reference[j]);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void tnWithAPiecesIsRightAndBitIdenticalToTheRowsPath() {
        // Enough full panels for tn to read A from pieces: two full row blocks (sliced where the vectors
        // are 16 wide), a last one of 11 rows ending in a part tile (cut from the rows); two k blocks of odd
        // and even depth; a ragged right edge.
        SplittableRandom rng = new SplittableRandom(16);
        int m = 2 * MatMul.MC + 11, k = MatMul.KC + 7, n = MatMul.TN_PIECES_MIN_PANELS * MatMul.NR + 37;
        compare(2, m, k, n, false, rng);
        compare(2, m, k, n, true, rng);
        float[] a = GradCheck.random(rng, m * k, -1, 1), b = GradCheck.random(rng, k * n, -1, 1);
        // A few of C's rows on their own (a part row block against one panel) read A from copied rows:
        // the same bits as the pieces gave, sliced or cut.
        int rows = 11, narrow = MatMul.NR;
        float[] bNarrow = new float[k * narrow];
        for (int p = 0; p < k; p++) System.arraycopy(b, p * n, bNarrow, p * narrow, narrow);
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                float[] c = new float[m * n];
                MatMul.tn(a, 0, b, 0, c, 0, m, k, n, false);
                for (int i0 : new int[] {0, 91, 2 * MatMul.MC}) {
                    float[] aRows = new float[k * rows], cRows = new float[rows * narrow];
                    for (int p = 0; p < k; p++) System.arraycopy(a, p * m + i0, aRows, p * rows, rows);
                    MatMul.tn(aRows, 0, bNarrow, 0, cRows, 0, rows, k, narrow, false);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < narrow; j++) {
                            assertThat(c[(i0 + r) * n + j]).as("%d threads, C[%d, %d]", threads, i0 + r, j)
                                    .isEqualTo(cRows[r * narrow + j]);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void tnWithSumsAddsTheColumnSumsOfABitForBitAsAPlainLoopAndTheSameProduct() {
        SplittableRandom rng = new SplittableRandom(16);
        int[][] shapes = {
            {37, 2 * MatMul.KC + 9, 70},   // several k blocks, one row block
            {300, 700, 65},                // row blocks, shared B, a thin column, parallel
            {200, 64, 700},                // panel chunks (the sums come from the first chunk only)
            {9, 20, MatMul.NC_PANELS * MatMul.NR + 70}, // two column groups (from the first only)
            {203, 300, MatMul.TN_PIECES_MIN_PANELS * MatMul.NR + 5}, // A cut into pieces
            {150, 30, 4},                  // only thin columns
            {5, 7, 0},                     // no columns at all: the sums still count
            {4, 0, 5},                     // k = 0: nothing to add
        };
        for (int[] sh : shapes) {
            int m = sh[0], k = sh[1], n = sh[2];
            float[] a = GradCheck.random(rng, m * k + 1, -1, 1);
            float[] b = GradCheck.random(rng, k * n + 1, -1, 1);
            float[] c0 = GradCheck.random(rng, m * n + 1, -1, 1);
            float[] sums0 = GradCheck.random(rng, m, -1, 1);
            float[] expectedSums = sums0.clone();
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) expectedSums[i] += a[1 + p * m + i];
            }
            float[] expectedC = c0.clone();
            MatMul.tn(a, 1, b, 1, expectedC, 1, m, k, n, true);
            int before = Parallel.threads();
            try {
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] c = c0.clone(), sums = sums0.clone();
                    MatMul.tn(a, 1, b, 1, c, 1, m, k, n, true, sums);
                    assertThat(sums).as("sums m=%d k=%d n=%d threads=%d", m, k, n, threads).containsExactly(expectedSums);
                    assertThat(c).as("C m=%d k=%d n=%d threads=%d", m, k, n, threads).containsExactly(expectedC);
                }
            } finally {
                Parallel.setThreads(before);
            }
        }
        assertThatThrownBy(() -> MatMul.tn(new float[6], 0, new float[6], 0, new float[9], 0, 3, 2, 3, false, new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sums needs 3 floats but has 2");
    }

    @Test
    void columnSumsAddEachColumnInRowOrder() {
        SplittableRandom rng = new SplittableRandom(17);
        int rows = 301, cols = 70;
        float[] src = GradCheck.random(rng, rows * cols, -1, 1);
        float[] dst = GradCheck.random(rng, cols, -1, 1);
        float[] expected = dst.clone();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) expected[j] += src[r * cols + j];
        }
        MatMul.columnSums(src, rows, cols, dst);
        assertThat(dst).containsExactly(expected);
        assertThatThrownBy(() -> MatMul.columnSums(src, rows + 1, cols, dst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 21140 floats");
    }

    @Test
    void badSizesFailFast() {
        assertThatThrownBy(() -> MatMul.nn(new float[5], 0, new float[6], 0, new float[6], 0, 2, 3, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A needs 6 floats");
    }
}
