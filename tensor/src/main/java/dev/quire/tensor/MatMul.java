package dev.quire.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on raw row-major arrays, with the Vector API.
 *
 * <ul>
 *   <li>{@link #nn}: {@code C[m, n] (+)= A[m, k] · B[k, n]}</li>
 *   <li>{@link #nt}: {@code C[m, n] (+)= A[m, k] · B[n, k]ᵀ}</li>
 *   <li>{@link #tn}: {@code C[m, n] (+)= A[k, m]ᵀ · B[k, n]}</li>
 * </ul>
 *
 * <p>How it is fast (Goto's loop order): C is computed in register tiles of 6 rows × 4 vectors (64
 * columns with 512-bit vectors), each A element broadcast once and multiplied into 4 vectors of B by FMA.
 * k is cut into blocks of at most {@value #KC}; every k block of B is packed once into contiguous panels
 * (kc × 64), shared by all threads, before any multiply; then each thread takes rows of A {@value #MC} at
 * a time (a row block) and runs every k block and panel over them, so the row block's A (and its part of
 * C) stays in L2 while the panels pass. A is read in place where its rows are
 * contiguous (nn, nt); for tn (A stored [k, m], a tile's rows are A's columns) each row block's A is
 * copied, per k block, into one contiguous [kc][8] run of "pieces" per tile ({@link #sliceAPieces},
 * {@link #cutAPieces}), or, for a part row block against few panels, into plain [kc][MC] rows
 * ({@link #copyARows}). Threads split C by row blocks (each reads only its rows of A),
 * and by panels too when there are too few row blocks for an even finish (items are claimed one at a
 * time); small problems stay on the calling thread, where hand-off would cost more than it saves. With fewer than {@value #PACK_B_MIN_ROWS} rows (nn, tn) each
 * thread packs the panels it uses itself instead of all of B up front.
 *
 * <p>Paths by shape: panels two vectors wide or less (a head of width 32) use a 6 × 2L tile written to C
 * through masks; a ragged right edge of at most {@value #THIN} columns (the 65th column of a 65-wide
 * head) takes dot products along k (nn, nt) or vectors along C's column (tn) instead of a mostly empty
 * tile; the nt form with one or two rows of A (decoding one token) takes dot products along B's rows
 * ({@link #GEMV_ROWS}) instead of packing all of B.
 *
 * <p>Determinism: every C element is a single chain {@code c = fma(a[i, p], b[p, j], c)} over p in
 * increasing order, starting from 0 (or from C's old value when accumulating), whatever the path (full
 * tile, edge tile, narrow tile, thin tn column, any blocking or split over threads), except the few-row
 * nt path and the thin nn/nt columns, whose fixed order is, per k block, L lane-wise chains added in lane
 * order. The path depends on the shape only, so results are bit-identical across thread counts and runs.
 */
public final class MatMul {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile and width of a B panel: 4 vectors. */
    static final int NR = 4 * L;
    /**
     * Deepest k block. k is cut into equal blocks of at most KC (k = 384: one block, 1536: four), so C is
     * loaded and stored once per block, and the block of A and the packed k slice of B (576 KiB for
     * n = 384) share the 1 MiB L2. Measured per core at 4096 × 1536 × 384: 384 a few percent ahead of 512
     * and 256.
     */
    static final int KC = 384;
    /**
     * Rows of A per row block (16 register tiles): the MC × kc block of A (144 KiB at kc = 384) stays in L2
     * while every panel of B passes under it, instead of all of A streaming from memory once per panel
     * (which held 4096 × 1536 × 384 at 0.56–0.71× OpenBLAS).
     */
    static final int MC = 16 * MR;
    /**
     * Floats per k in a tile of tn's A cut into pieces ({@link #cutAPieces}): the tile's MR values padded to 32
     * bytes, two k to a cache line.
     */
    static final int TN_PIECE = 8;
    /**
     * Floats after each tile of tn's packed A: a piece is copied as whole vectors of L floats (one
     * species for all of MatMul: a second one in the same methods made C2 give up on the register tile's
     * intrinsics in some runs), and with L = 16 the last piece's vector runs 8 floats past the tile.
     */
    private static final int TN_TILE_PAD = Math.max(0, L - TN_PIECE);
    /**
     * Full-width panels a tn row block must have before its A is cut into pieces: cutting costs about what
     * the faster register tile saves on three or four panels (a row block against 64 columns of B).
     */
    static final int TN_PIECES_MIN_PANELS = 4;
    /**
     * Whether tn slices a full row block's pieces straight out of A's runs in registers
     * ({@link #sliceAPieces}), written for L = 16 (AVX-512); other widths copy the rows and cut them.
     */
    private static final boolean SLICE_PIECES = L == 16 && MC == 96 && MR == 6;
    /** A piece's lanes when L = 16. */
    private static final VectorMask<Float> PIECE_LANES = S.indexInRange(0, TN_PIECE);
    /** Most panels packed at once (a column group). */
    static final int NC_PANELS = 32;
    /**
     * Most floats of B packed at once (16 MiB): all k blocks of a column group are packed before any
     * multiply, so a group has at most this / (k · NR) panels.
     */
    static final long SHARED_B_MAX = 1L << 22;
    /**
     * From this many rows of A on (and always for nt), each k block of B is packed once into contiguous
     * panels shared by all threads. Below it (nn and tn for the few rows of an attention head), a panel
     * is packed where it is used, by the thread that uses it, and panels two vectors wide are read in
     * place.
     */
    static final int PACK_B_MIN_ROWS = 128;
    /**
     * A ragged right edge at most this wide (the 65th column of a 65-wide head) is not given a register
     * tile, which would spend 2 vector FMAs per row and k on one useful lane: nn and nt take dot products
     * along k instead, tn sweeps L rows of C's column at a time.
     */
    static final int THIN = 4;
    /** Panels at most this wide (two vectors) use the narrow 6 × 2L tile. */
    static final int NARROW = 2 * L;
    /**
     * At most this many rows of A in the nt form (one token at a time through a linear layer, a decoding
     * query against cached keys): dot products along B's contiguous rows instead of a transposing copy of
     * all of B into panels, which for a single row cost many times the multiply itself.
     */
    static final int GEMV_ROWS = 2;
    /**
     * Work items per thread when a product is split: row blocks, cut further into chunks of panels when
     * there are fewer. Items are claimed one at a time, so the threads finish within one small item of
     * each other (measured at 4096 × 384 × 1152 on 2 threads: 43 row blocks in 8 chunks gave 392 GFLOP/s,
     * 43 claimed one by one 428; with large k, 8 items per thread beat 32, which re-read A's rows more).
     */
    static final int ITEMS_PER_THREAD = 8;
    /** Below this many multiply-adds (m·n·k) the caller does all the work itself. */
    static final long PARALLEL_MIN_WORK = 1L << 20;
    /** From this many floats of B per k block on, packing is itself split over the threads. */
    private static final int PARALLEL_PACK_MIN = 1 << 15;

    private enum Form { NN, NT, TN }

    /** Per-thread scratch: a packed B panel, an edge tile of C, and tn's packed block of A and its rows. */
    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[KC * NR], new float[MR * NR], new float[MC / MR * (KC * TN_PIECE + TN_TILE_PAD)], new float[KC * MC + L]});

    /** The calling thread's packed slice of B, [panel][kc][NR], read by every thread of one product. */
    private static final ThreadLocal<float[][]> SHARED_B = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private MatMul() {}

    /** {@code C[m, n] = A[m, k] · B[k, n]}, or {@code C += A·B} when {@code accumulate}. */
    public static void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
        gemm(Form.NN, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, null);
    }

    /** {@code C[m, n] = A[m, k] · B[n, k]ᵀ} (B given as {@code [n, k]}), or {@code +=}. */
    public static void nt(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
        gemm(Form.NT, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, null);
    }

    /** {@code C[m, n] = A[k, m]ᵀ · B[k, n]} (A given as {@code [k, m]}), or {@code +=}. */
    public static void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
        gemm(Form.TN, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, null);
    }

    /**
     * {@link #tn} that also adds {@code sums[i] += Σ_p A[p, i]} for i in {@code [0, m)}, p in increasing
     * order (each sum one chain of float additions, as a plain loop over A's rows would give), read from
     * the copies of A the product makes anyway. For a linear layer's backward pass, with A the output's
     * gradient {@code g [rows, out]}: {@code dW += gᵀ·x} and the bias gradient {@code db += Σ_rows g}
     * without a second pass over g.
     */
    public static void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate, float[] sums) {
        if (sums == null || sums.length < m) {
            throw new IllegalArgumentException("MatMul.tn m=" + m + " k=" + k + " n=" + n + ": sums needs " + m
                    + " floats but has " + (sums == null ? "none" : sums.length));
        }
        gemm(Form.TN, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, sums);
    }

    /**
     * {@code dst[j] += Σ_r src[r, j]} over {@code src [rows, cols]} (the product of a row of ones with
     * src): rows in increasing order, columns in parallel. The bias gradient of a linear layer whose
     * weight gradient is not wanted (else the sums come with {@code tn}).
     */
    public static void columnSums(float[] src, int rows, int cols, float[] dst) {
        if ((long) rows * cols > src.length || cols > dst.length) {
            throw new IllegalArgumentException("MatMul.columnSums: src [" + rows + ", " + cols + "] needs "
                    + (long) rows * cols + " floats (has " + src.length + "), dst " + cols + " (has " + dst.length + ")");
        }
        Parallel.forRange(cols, Math.max(16, (1 << 16) / Math.max(1, rows)), (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                for (int j = c0; j < c1; j++) {
                    dst[j] += src[base + j];
                }
            }
        });
    }

    private static void check(String name, float[] arr, int off, long len, Form f, int m, int k, int n) {
        if (off < 0 || off + len > arr.length) {
            throw new IllegalArgumentException("MatMul." + f.name().toLowerCase() + " m=" + m + " k=" + k + " n=" + n
                    + ": " + name + " needs " + len + " floats from offset " + off + " but has " + arr.length);
        }
    }

    /** One product's operands and shape, handed to the threads that share it. */
    private record Product(Form f, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                           int m, int k, int n) {}

    /** The product; {@code sums} (tn only, else null): see {@link #tn(float[], int, float[], int, float[], int, int, int, int, boolean, float[])}. */
    private static void gemm(Form f, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                             int m, int k, int n, boolean acc, float[] sums) {
        if (m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException("MatMul." + f.name().toLowerCase() + ": negative size m=" + m + " k=" + k
                    + " n=" + n);
        }
        check("A", a, aOff, (long) m * k, f, m, k, n);
        check("B", b, bOff, (long) k * n, f, m, k, n);
        check("C", c, cOff, (long) m * n, f, m, k, n);
        if (m == 0 || n == 0) {
            if (sums != null && m > 0) {
                for (int p = 0; p < k; p++) {
                    for (int i = 0; i < m; i++) sums[i] += a[aOff + p * m + i];
                }
            }
            return;
        }
        if (k == 0) {
            if (!acc) {
                for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
            }
            return;
        }
        if (f == Form.NT && m <= GEMV_ROWS) {
            gemvNt(a, aOff, b, bOff, c, cOff, m, k, n, acc);
            return;
        }
        Product pr = new Product(f, a, aOff, b, bOff, c, cOff, m, k, n);
        int panels = (n + NR - 1) / NR;
        int kBlocks = (k + KC - 1) / KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;   // equal blocks: k = 600 gives 300 + 300, not 384 + 216
        boolean shareB = f == Form.NT || m >= PACK_B_MIN_ROWS;
        boolean parallel = (long) m * n * k >= PARALLEL_MIN_WORK && Parallel.threads() > 1;
        int rowBlocks = (m + MC - 1) / MC;
        // Column groups small enough that all of their packed B (every k block) fits the shared buffer.
        int groupPanels = (int) Math.max(1, Math.min(NC_PANELS, SHARED_B_MAX / ((long) k * NR)));
        // Loop order (Goto's, k inside): column group → [pack all of its B once, shared] → row block of A →
        // k block (A's block in L2, C's block stays in L2 across k blocks) → panel of B → register tile.
        // Two hand-offs between threads per group (pack, compute) whatever k is. C[i, j] is one fma chain
        // over p in increasing order on every path, so the blocking and the split over threads never
        // change a bit of the result.
        for (int g0 = 0; g0 < panels; g0 += groupPanels) {
            int gs = g0, g1 = Math.min(panels, g0 + groupPanels);
            int group = g1 - g0;
            float[] bp = null;
            if (shareB) {
                // [k block][panel][kc][NR]: block kb starts at k0 · group · NR.
                float[] pack = sharedB(k * group * NR);
                int jobs = kBlocks * group;
                Parallel.IntRangeBody packJobs = (q0, q1) -> {
                    for (int q = q0; q < q1; q++) {
                        int k0 = q / group * kcMax, kc = Math.min(kcMax, k - k0);
                        packPanel(pr, k0, kc, gs + q % group, pack, k0 * group * NR + q % group * kc * NR);
                    }
                };
                if (parallel && jobs > 1 && (long) k * group * NR >= PARALLEL_PACK_MIN) {
                    Parallel.forRange(jobs, packJobs);
                } else {
                    packJobs.run(0, jobs);
                }
                bp = pack;
            }
            float[] shared = bp;
            // Work items: row blocks (each thread reads only its rows of A, all of the shared B) and, when
            // there are too few of them for an even finish, also chunks of panels.
            int target = ITEMS_PER_THREAD * Parallel.threads();
            int colChunks = !parallel || rowBlocks >= target
                    ? 1 : Math.min(group, (target + rowBlocks - 1) / rowBlocks);
            int items = rowBlocks * colChunks;
            Parallel.IntRangeBody body = (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    int i0 = t / colChunks * MC, cc = t % colChunks;
                    int p0 = gs + group * cc / colChunks, p1 = gs + group * (cc + 1) / colChunks;
                    // The first chunk of the first column group adds A's sums while packing it: each A
                    // element exactly once, k in increasing order.
                    float[] rowSums = cc == 0 && gs == 0 ? sums : null;
                    for (int k0 = 0; k0 < k; k0 += kcMax) {
                        rowBlock(pr, shared, k0 * group * NR, gs, k0, Math.min(kcMax, k - k0), acc || k0 > 0,
                                i0, Math.min(m, i0 + MC), p0, p1, rowSums);
                    }
                }
            };
            if (parallel && items > 1) {
                Parallel.forEachIndex(items, body);
            } else {
                body.run(0, items);
            }
        }
    }

    /** The calling thread's shared-B buffer, grown to at least {@code size} floats. */
    private static float[] sharedB(int size) {
        float[][] holder = SHARED_B.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    /** Packs panel p of B's k rows [k0, k0+kc) into {@code pack[off..]} as [kc][NR], zero-padded. */
    private static void packPanel(Product pr, int k0, int kc, int p, float[] pack, int off) {
        int j0 = p * NR;
        packB(pr.f(), pr.b(), pr.bOff(), pr.k(), pr.n(), k0, kc, j0, Math.min(NR, pr.n() - j0), pack, off, NR);
    }

    /**
     * Rows {@code [i0, i1)} (at most {@link #MC}) × panels {@code [p0, p1)} of C for the k block
     * {@code [k0, k0+kc)}. {@code bp} holds the packed panels of the group starting at panel {@code g0}
     * (this k block's from {@code bBase} on), or is null when there are few rows (nn and tn): panels are
     * then packed here, or read in place when exactly two vectors wide.
     */
    private static void rowBlock(Product pr, float[] bp, int bBase, int g0, int k0, int kc, boolean load,
                                 int i0, int i1, int p0, int p1, float[] sums) {
        Form f = pr.f();
        float[] a = pr.a(), b = pr.b(), c = pr.c();
        int aOff = pr.aOff(), bOff = pr.bOff(), cOff = pr.cOff(), m = pr.m(), k = pr.k(), n = pr.n();
        float[][] scratch = SCRATCH.get();
        float[] bPack = scratch[0], tile = scratch[1], aPack = scratch[2], aRows = scratch[3];
        // For tn, A's tile rows are columns of A [k, m], m floats apart: read in place, the kc rows of one
        // tile fall into a few cache sets (m = 1536: 2 of L1's 64) and miss every time. So the block is
        // copied once per panel chunk into one contiguous [kc][8] piece per tile.
        boolean packA = f == Form.TN;
        // tn's A is read from pieces when slicing them costs no more than copying A's rows (a full row
        // block with L = 16) or when there are enough panels to pay for cutting them from the rows; else
        // from the rows.
        boolean slice = packA && SLICE_PIECES && i1 - i0 == MC;
        boolean pieces = slice || packA && Math.min(p1, n / NR) - p0 >= TN_PIECES_MIN_PANELS;
        if (slice) {
            sliceAPieces(a, aOff + k0 * m + i0, m, kc, aPack, i0, sums, tile);
        } else if (packA) {
            copyARows(a, aOff, m, k0, kc, i0, i1, aRows, sums);
            if (pieces) {
                cutAPieces(aRows, kc, i1 - i0, aPack);
            }
        }
        for (int p = p0; p < p1; p++) {
            int j0 = p * NR;
            int nw = Math.min(NR, n - j0); // width of this panel (< NR at the ragged right edge)
            if (nw <= THIN) {
                thinColumns(pr, k0, kc, load, i0, i1, j0, nw, bPack);
                continue;
            }
            boolean narrow = nw <= NARROW;
            float[] bs;
            int bo, ldb;
            if (bp != null) {
                bs = bp;                   // shared packed panel [kc, NR]
                bo = bBase + (p - g0) * kc * NR;
                ldb = NR;
            } else if (f != Form.NT && nw == NARROW) {
                bs = b;                    // B panel [kc, 2L] read in place
                bo = bOff + k0 * n + j0;
                ldb = n;
            } else {
                packB(f, b, bOff, k, n, k0, kc, j0, nw, bPack, 0, narrow ? NARROW : NR);
                bs = bPack;
                bo = 0;
                ldb = narrow ? NARROW : NR;
            }
            for (int i = i0; i < i1; i += MR) {
                int mr = Math.min(MR, i1 - i);
                // Row r of the A tile is read at ap[ar_r + kk * aks]; missing rows of an edge tile
                // repeat the last valid row (their results are dropped).
                float[] ap;
                int ar0, rowStep, aks;
                if (pieces) {
                    ap = aPack;
                    ar0 = (i - i0) / MR * piecesTileSize(kc);
                    rowStep = 1;
                    aks = TN_PIECE;
                } else if (packA) {
                    ap = aRows;
                    ar0 = i - i0;
                    rowStep = 1;
                    aks = MC;
                } else {
                    ap = a;
                    ar0 = aOff + i * k + k0;
                    rowStep = k;
                    aks = 1;
                }
                int last = mr - 1;
                int a0 = ar0, a1 = ar0 + Math.min(1, last) * rowStep, a2 = ar0 + Math.min(2, last) * rowStep,
                        a3 = ar0 + Math.min(3, last) * rowStep, a4 = ar0 + Math.min(4, last) * rowStep,
                        a5 = ar0 + Math.min(5, last) * rowStep;
                int co = cOff + i * n + j0;
                if (narrow) {
                    // At most two vectors wide (a head of width 32, the ragged edge of a 65-wide
                    // head): a 6 x 2L tile written straight to C, masked, instead of a 6 x 4L
                    // tile mostly of padding through the scratch copy.
                    kernelNarrow(ap, a0, a1, a2, a3, a4, a5, aks, bs, bo, ldb, c, co, n, kc, load, mr, nw);
                } else if (mr == MR && nw == NR) {
                    registerTile(aks, ap, a0, a1, a2, a3, a4, a5, bs, bo, c, co, n, kc, load);
                } else {
                    // Edge tile: the same kernel on a scratch copy of C's valid part.
                    for (int r = 0; r < MR; r++) {
                        if (load && r < mr) {
                            System.arraycopy(c, co + r * n, tile, r * NR, nw);
                            Arrays.fill(tile, r * NR + nw, r * NR + NR, 0f);
                        } else {
                            Arrays.fill(tile, r * NR, r * NR + NR, 0f);
                        }
                    }
                    registerTile(aks, ap, a0, a1, a2, a3, a4, a5, bs, bo, tile, 0, NR, kc, true);
                    for (int r = 0; r < mr; r++) {
                        System.arraycopy(tile, r * NR, c, co + r * n, nw);
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j0+nw)} of C, rows {@code [i0, i1)}, for the k block {@code [k0, k0+kc)}, when
     * {@code nw <= THIN}.
     *
     * <p>nn and nt: each C element is a dot product of A's row (contiguous along k) with B's column
     * (contiguous along k in nt's B [n, k]; copied into {@code colBuf} for nn): L lane-wise fma chains in
     * increasing k, added in lane order, then added to C (or to C's old value). tn: A [k, m] is contiguous
     * along m, so L rows of one column are one vector and each element is the same single fma chain in
     * increasing k as in the register tiles. Either way the order depends on the shape only.
     */
    private static void thinColumns(Product pr, int k0, int kc, boolean load, int i0, int i1, int j0, int nw,
                                    float[] colBuf) {
        float[] a = pr.a(), b = pr.b(), c = pr.c();
        int aOff = pr.aOff(), bOff = pr.bOff(), cOff = pr.cOff(), m = pr.m(), k = pr.k(), n = pr.n();
        if (pr.f() == Form.TN) {
            float[] column = colBuf;       // C[i..i+L, j], gathered and scattered (C's column is n apart)
            for (int j = j0; j < j0 + nw; j++) {
                for (int i = i0; i < i1; i += L) {
                    int rows = Math.min(L, i1 - i);
                    VectorMask<Float> live = S.indexInRange(0, rows);
                    FloatVector acc = FloatVector.zero(S);
                    if (load) {
                        for (int r = 0; r < rows; r++) column[r] = c[cOff + (i + r) * n + j];
                        acc = FloatVector.fromArray(S, column, 0, live);
                    }
                    int ap = aOff + k0 * m + i, bp = bOff + k0 * n + j;
                    for (int kk = 0; kk < kc; kk++) {
                        // C[i..i+L, j] = fma(A[k0+kk, i..i+L], B[k0+kk, j], C[i..i+L, j])
                        acc = FloatVector.fromArray(S, a, ap + kk * m, live).fma(FloatVector.broadcast(S, b[bp + kk * n]), acc);
                    }
                    acc.intoArray(column, 0);
                    for (int r = 0; r < rows; r++) c[cOff + (i + r) * n + j] = column[r];
                }
            }
            return;
        }
        int kMain = kc - kc % L;
        VectorMask<Float> tail = S.indexInRange(kMain, kc);
        for (int j = j0; j < j0 + nw; j++) {
            float[] col;
            int co;
            if (pr.f() == Form.NT) {
                col = b;                       // B [n, k]: column j of Bᵀ is row j of B
                co = bOff + j * k + k0;
            } else {
                for (int kk = 0; kk < kc; kk++) colBuf[kk] = b[bOff + (k0 + kk) * n + j];
                col = colBuf;
                co = 0;
            }
            for (int i = i0; i < i1; i++) {
                int ai = aOff + i * k + k0;
                FloatVector s0 = FloatVector.zero(S);
                for (int q = 0; q < kMain; q += L) {
                    s0 = FloatVector.fromArray(S, a, ai + q).fma(FloatVector.fromArray(S, col, co + q), s0);
                }
                if (kMain < kc) {
                    s0 = FloatVector.fromArray(S, a, ai + kMain, tail).fma(FloatVector.fromArray(S, col, co + kMain, tail), s0);
                }
                int ci = cOff + i * n + j;
                c[ci] = (load ? c[ci] : 0f) + VectorMath.laneSum(s0);
            }
        }
    }

    /**
     * Copies rows {@code [i0, i1)} of the product's A (stored as [k, m]: its columns), k in
     * {@code [k0, k0+kc)}, into {@code rows} as [kc][MC]: row kk is A's contiguous run
     * {@code A[k0+kk, i0..i1)}, so the copy is kc plain array copies, which keep the most cache misses in
     * flight (A comes from memory: one 384-byte run per 16 KB row at m = 4096). Columns past
     * {@code i1 - i0} are never read. With {@code sums}, also {@code sums[i] += A[k0+kk, i]} for each kk in
     * increasing order.
     */
    private static void copyARows(float[] a, int aOff, int m, int k0, int kc, int i0, int i1, float[] rows,
                                  float[] sums) {
        int w = i1 - i0;
        for (int kk = 0; kk < kc; kk++) {
            System.arraycopy(a, aOff + (k0 + kk) * m + i0, rows, kk * MC, w);
        }
        if (sums != null) {
            // From the copy (in L1/L2 now), L columns at a time down the block's kc rows.
            int j = 0;
            for (; j + L <= w; j += L) {
                FloatVector s = FloatVector.fromArray(S, sums, i0 + j);
                for (int kk = 0; kk < kc; kk++) {
                    s = s.add(FloatVector.fromArray(S, rows, kk * MC + j));
                }
                s.intoArray(sums, i0 + j);
            }
            for (; j < w; j++) {
                float s = sums[i0 + j];
                for (int kk = 0; kk < kc; kk++) s += rows[kk * MC + j];
                sums[i0 + j] = s;
            }
        }
    }

    /**
     * tn's pieces ({@link #cutAPieces}) for a full row block (MC = 96 rows of C, 16 tiles) with L = 16,
     * cut in registers as A's runs arrive: per k row, six vector loads of the run {@code a[src..src+96)}
     * and sixteen 8-lane stores of slices of them. The loads miss to memory as plain row copies do, and
     * the few instructions between them keep as many in flight, so this costs what copying the rows
     * alone did (two steps, copy then cut, cost a quarter more; one thread, tn 4096 × 1536 × 384: 210
     * against 230 GFLOP/s). With {@code sums}, also {@code sums[i0 + r] += A[k, i0 + r]} in increasing k,
     * through {@code lanes} (at least L floats of scratch).
     */
    private static void sliceAPieces(float[] a, int src0, int m, int kc, float[] pack, int i0, float[] sums,
                                     float[] lanes) {
        int tileSize = piecesTileSize(kc);
        for (int kk = 0; kk < kc; kk++) {
            int src = src0 + kk * m, dst = kk * TN_PIECE;
            for (int half = 0; half < 2; half++) {
                // Tiles 8·half .. 8·half + 7: rows 48·half + 6t .., from three vectors of 16.
                FloatVector v0 = FloatVector.fromArray(S, a, src + 48 * half);
                FloatVector v1 = FloatVector.fromArray(S, a, src + 48 * half + 16);
                FloatVector v2 = FloatVector.fromArray(S, a, src + 48 * half + 32);
                int d = dst + 8 * half * tileSize;
                v0.intoArray(pack, d, PIECE_LANES);
                v0.slice(6, v1).intoArray(pack, d + tileSize, PIECE_LANES);
                v0.slice(12, v1).intoArray(pack, d + 2 * tileSize, PIECE_LANES);
                v1.slice(2, v2).intoArray(pack, d + 3 * tileSize, PIECE_LANES);
                v1.slice(8, v2).intoArray(pack, d + 4 * tileSize, PIECE_LANES);
                v1.slice(14, v2).intoArray(pack, d + 5 * tileSize, PIECE_LANES);
                v2.slice(4).intoArray(pack, d + 6 * tileSize, PIECE_LANES);   // lanes 6, 7: never read
                v2.slice(10).intoArray(pack, d + 7 * tileSize, PIECE_LANES);
            }
        }
        if (sums != null) {
            addPieceSums(pack, kc, i0, sums, lanes);
        }
    }

    /**
     * {@code sums[i0 + i] += A[k, i0 + i]} for a full row block's pieces, k in increasing order: a tile's
     * MR sums as lanes of one vector, through {@code lanes}. A method of its own, and through a plain buffer: inside
     * {@link #sliceAPieces} (which runs without sums most of the time) and fed by a masked load, C2 left
     * the sum boxed on the heap (2.5 GB a training step).
     */
    private static void addPieceSums(float[] pack, int kc, int i0, float[] sums, float[] lanes) {
        int tileSize = piecesTileSize(kc);
        for (int t = 0; t < MC / MR; t++) {
            int i = i0 + t * MR;
            System.arraycopy(sums, i, lanes, 0, MR);
            FloatVector s = FloatVector.fromArray(S, lanes, 0);
            for (int kk = 0, q = t * tileSize; kk < kc; kk++, q += TN_PIECE) {
                s = s.add(FloatVector.fromArray(S, pack, q));
            }
            s.intoArray(lanes, 0);
            System.arraycopy(lanes, 0, sums, i, MR);
        }
    }

    /** Floats from one tile's pieces to the next's, for a k block of depth kc. */
    private static int piecesTileSize(int kc) {
        return kc * TN_PIECE + TN_TILE_PAD;
    }

    /**
     * Cuts {@link #copyARows}'s [kc][MC] block of w rows of C into {@code pack} as [tile][kc][TN_PIECE]:
     * tile t (rows {@code MR·t ..}) gets, for each kk, the 8 floats from {@code rows[kk·MC + MR·t]}, of
     * which the register tile reads the first MR (the rest are never used). The tile then reads its A
     * sequentially, 32 bytes per k, as it reads B; from the rows it reads a cache line per k, and ran
     * 4-10% slower. Cutting the pieces straight from A took twice as long as copying rows and cutting them
     * here, in L1/L2.
     */
    private static void cutAPieces(float[] rows, int kc, int w, float[] pack) {
        int tiles = (w + MR - 1) / MR, tileSize = piecesTileSize(kc);
        for (int kk = 0; kk < kc; kk++) {
            // Increasing kk: a vector wider than the piece spills into slot kk + 1, rewritten next.
            for (int t = 0; t < tiles; t++) {
                for (int q = 0; q < TN_PIECE; q += L) {
                    FloatVector.fromArray(S, rows, kk * MC + t * MR + q).intoArray(pack, t * tileSize + kk * TN_PIECE + q);
                }
            }
        }
    }

    /**
     * Copies B's k rows [k0, k0+kc) × columns [j0, j0+nw) into {@code pack[off..]} as [kc][w], zero-padded
     * to w.
     */
    private static void packB(Form f, float[] b, int bOff, int k, int n, int k0, int kc, int j0, int nw,
                              float[] pack, int off, int w) {
        if (f == Form.NT) {
            // B is [n, k]: column j of the panel is row j0 + j of B (contiguous along k). A transposing
            // copy, 16 k at a time: the 16 rows of the panel being written (16·w floats) stay in L1 while
            // every column passes, instead of each column's writes sweeping the whole panel.
            for (int kb = 0; kb < kc; kb += 16) {
                int ke = Math.min(kc, kb + 16);
                for (int j = 0; j < nw; j++) {
                    int src = bOff + (j0 + j) * k + k0;
                    for (int kk = kb; kk < ke; kk++) {
                        pack[off + kk * w + j] = b[src + kk];
                    }
                }
            }
        } else {
            for (int kk = 0; kk < kc; kk++) {
                System.arraycopy(b, bOff + (k0 + kk) * n + j0, pack, off + kk * w, nw);
            }
        }
        if (nw < w) {
            for (int kk = 0; kk < kc; kk++) {
                Arrays.fill(pack, off + kk * w + nw, off + kk * w + w, 0f);
            }
        }
    }

    /**
     * The register tile: C[6, 4L] (+)= A[6, kc] · B[kc, 4L], with 24 vector accumulators, one broadcast of
     * A and four FMAs per row per k; row r of A is at {@code a[ar]} ({@code ar} = a0..a5), B row kk at
     * {@code b[bo + kk * NR]} (a packed panel). Each C element is one fma chain in increasing k, the same
     * order as every other path here.
     *
     * <p>Three copies of the tile, {@link #kernelRowsA}, {@link #kernelPiecesA} and
     * {@link #kernelCopiedRowsA}, differ only in the stride of A along k (1, {@link #TN_PIECE} or
     * {@link #MC}). The strides are constants on purpose: C2 hoists the bounds
     * checks of {@code a[ar + kk * s]} and {@code b[bo + kk * NR]} out of the loop only when s is a
     * constant, and with them in the loop the tile ran 10-18% slower (one thread, 4096 × 384 × 1152 nt:
     * 207 against 244 GFLOP/s).
     */
    private static void registerTile(int aStride, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                     float[] b, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        switch (aStride) {
            case 1 -> kernelRowsA(a, a0, a1, a2, a3, a4, a5, b, bo, c, co, ldc, kc, load);
            case TN_PIECE -> kernelPiecesA(a, a0, a1, a2, a3, a4, a5, b, bo, c, co, ldc, kc, load);
            case MC -> kernelCopiedRowsA(a, a0, a1, a2, a3, a4, a5, b, bo, c, co, ldc, kc, load);
            default -> throw new IllegalStateException("no register tile for A's stride " + aStride);
        }
    }

    /**
     * The register tile for an A read in place along its rows (nn, nt): A row r at {@code a[ar + kk]}.
     */
    private static void kernelRowsA(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                    float[] b, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        FloatVector c00, c01, c02, c03;
        FloatVector c10, c11, c12, c13;
        FloatVector c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33;
        FloatVector c40, c41, c42, c43;
        FloatVector c50, c51, c52, c53;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co + 0 * ldc);
            c01 = FloatVector.fromArray(S, c, co + 0 * ldc + 1 * L);
            c02 = FloatVector.fromArray(S, c, co + 0 * ldc + 2 * L);
            c03 = FloatVector.fromArray(S, c, co + 0 * ldc + 3 * L);
            c10 = FloatVector.fromArray(S, c, co + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, co + 1 * ldc + 1 * L);
            c12 = FloatVector.fromArray(S, c, co + 1 * ldc + 2 * L);
            c13 = FloatVector.fromArray(S, c, co + 1 * ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + 1 * L);
            c22 = FloatVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(S, c, co + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + 1 * L);
            c32 = FloatVector.fromArray(S, c, co + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(S, c, co + 3 * ldc + 3 * L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + 1 * L);
            c42 = FloatVector.fromArray(S, c, co + 4 * ldc + 2 * L);
            c43 = FloatVector.fromArray(S, c, co + 4 * ldc + 3 * L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + 1 * L);
            c52 = FloatVector.fromArray(S, c, co + 5 * ldc + 2 * L);
            c53 = FloatVector.fromArray(S, c, co + 5 * ldc + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z;
            c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z;
            c30 = z; c31 = z; c32 = z; c33 = z;
            c40 = z; c41 = z; c42 = z; c43 = z;
            c50 = z; c51 = z; c52 = z; c53 = z;
        }
        for (int kk = 0; kk < kc; kk++) {
            int bk = bo + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            int ak = kk;
            FloatVector av;
            av = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
            av = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + 1 * L); c02.intoArray(c, co + 0 * ldc + 2 * L); c03.intoArray(c, co + 0 * ldc + 3 * L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + 1 * L); c12.intoArray(c, co + 1 * ldc + 2 * L); c13.intoArray(c, co + 1 * ldc + 3 * L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 1 * L); c22.intoArray(c, co + 2 * ldc + 2 * L); c23.intoArray(c, co + 2 * ldc + 3 * L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 1 * L); c32.intoArray(c, co + 3 * ldc + 2 * L); c33.intoArray(c, co + 3 * ldc + 3 * L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 1 * L); c42.intoArray(c, co + 4 * ldc + 2 * L); c43.intoArray(c, co + 4 * ldc + 3 * L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 1 * L); c52.intoArray(c, co + 5 * ldc + 2 * L); c53.intoArray(c, co + 5 * ldc + 3 * L);
    }

    /** The register tile for tn's A cut into pieces: A row r at {@code a[ar + kk * TN_PIECE]} ({@link #cutAPieces}). */
    private static void kernelPiecesA(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                      float[] b, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        FloatVector c00, c01, c02, c03;
        FloatVector c10, c11, c12, c13;
        FloatVector c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33;
        FloatVector c40, c41, c42, c43;
        FloatVector c50, c51, c52, c53;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co + 0 * ldc);
            c01 = FloatVector.fromArray(S, c, co + 0 * ldc + 1 * L);
            c02 = FloatVector.fromArray(S, c, co + 0 * ldc + 2 * L);
            c03 = FloatVector.fromArray(S, c, co + 0 * ldc + 3 * L);
            c10 = FloatVector.fromArray(S, c, co + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, co + 1 * ldc + 1 * L);
            c12 = FloatVector.fromArray(S, c, co + 1 * ldc + 2 * L);
            c13 = FloatVector.fromArray(S, c, co + 1 * ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + 1 * L);
            c22 = FloatVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(S, c, co + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + 1 * L);
            c32 = FloatVector.fromArray(S, c, co + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(S, c, co + 3 * ldc + 3 * L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + 1 * L);
            c42 = FloatVector.fromArray(S, c, co + 4 * ldc + 2 * L);
            c43 = FloatVector.fromArray(S, c, co + 4 * ldc + 3 * L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + 1 * L);
            c52 = FloatVector.fromArray(S, c, co + 5 * ldc + 2 * L);
            c53 = FloatVector.fromArray(S, c, co + 5 * ldc + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z;
            c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z;
            c30 = z; c31 = z; c32 = z; c33 = z;
            c40 = z; c41 = z; c42 = z; c43 = z;
            c50 = z; c51 = z; c52 = z; c53 = z;
        }
        for (int kk = 0; kk < kc; kk++) {
            int bk = bo + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            int ak = kk * TN_PIECE;
            FloatVector av;
            av = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
            av = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + 1 * L); c02.intoArray(c, co + 0 * ldc + 2 * L); c03.intoArray(c, co + 0 * ldc + 3 * L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + 1 * L); c12.intoArray(c, co + 1 * ldc + 2 * L); c13.intoArray(c, co + 1 * ldc + 3 * L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 1 * L); c22.intoArray(c, co + 2 * ldc + 2 * L); c23.intoArray(c, co + 2 * ldc + 3 * L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 1 * L); c32.intoArray(c, co + 3 * ldc + 2 * L); c33.intoArray(c, co + 3 * ldc + 3 * L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 1 * L); c42.intoArray(c, co + 4 * ldc + 2 * L); c43.intoArray(c, co + 4 * ldc + 3 * L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 1 * L); c52.intoArray(c, co + 5 * ldc + 2 * L); c53.intoArray(c, co + 5 * ldc + 3 * L);
    }

    /** The register tile for tn's A copied as rows: A row r at {@code a[ar + kk * MC]} ({@link #copyARows}). */
    private static void kernelCopiedRowsA(float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                                      float[] b, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        FloatVector c00, c01, c02, c03;
        FloatVector c10, c11, c12, c13;
        FloatVector c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33;
        FloatVector c40, c41, c42, c43;
        FloatVector c50, c51, c52, c53;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co + 0 * ldc);
            c01 = FloatVector.fromArray(S, c, co + 0 * ldc + 1 * L);
            c02 = FloatVector.fromArray(S, c, co + 0 * ldc + 2 * L);
            c03 = FloatVector.fromArray(S, c, co + 0 * ldc + 3 * L);
            c10 = FloatVector.fromArray(S, c, co + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, co + 1 * ldc + 1 * L);
            c12 = FloatVector.fromArray(S, c, co + 1 * ldc + 2 * L);
            c13 = FloatVector.fromArray(S, c, co + 1 * ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + 1 * L);
            c22 = FloatVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(S, c, co + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + 1 * L);
            c32 = FloatVector.fromArray(S, c, co + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(S, c, co + 3 * ldc + 3 * L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + 1 * L);
            c42 = FloatVector.fromArray(S, c, co + 4 * ldc + 2 * L);
            c43 = FloatVector.fromArray(S, c, co + 4 * ldc + 3 * L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + 1 * L);
            c52 = FloatVector.fromArray(S, c, co + 5 * ldc + 2 * L);
            c53 = FloatVector.fromArray(S, c, co + 5 * ldc + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z;
            c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z;
            c30 = z; c31 = z; c32 = z; c33 = z;
            c40 = z; c41 = z; c42 = z; c43 = z;
            c50 = z; c51 = z; c52 = z; c53 = z;
        }
        for (int kk = 0; kk < kc; kk++) {
            int bk = bo + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            int ak = kk * MC;
            FloatVector av;
            av = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
            av = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + 1 * L); c02.intoArray(c, co + 0 * ldc + 2 * L); c03.intoArray(c, co + 0 * ldc + 3 * L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + 1 * L); c12.intoArray(c, co + 1 * ldc + 2 * L); c13.intoArray(c, co + 1 * ldc + 3 * L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 1 * L); c22.intoArray(c, co + 2 * ldc + 2 * L); c23.intoArray(c, co + 2 * ldc + 3 * L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 1 * L); c32.intoArray(c, co + 3 * ldc + 2 * L); c33.intoArray(c, co + 3 * ldc + 3 * L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 1 * L); c42.intoArray(c, co + 4 * ldc + 2 * L); c43.intoArray(c, co + 4 * ldc + 3 * L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 1 * L); c52.intoArray(c, co + 5 * ldc + 2 * L); c53.intoArray(c, co + 5 * ldc + 3 * L);
    }

    /**
     * The narrow register tile: C[6, nw] (+)= A[6, kc] · B[kc, 2L] for {@code nw <= 2L}, 12 vector
     * accumulators. B is zero-padded (or exactly 2L wide) so lanes past nw only ever hold garbage that is
     * never stored; C is read and written with masks, and only its first {@code mr} rows are stored. The
     * same single fma chain per C element, in increasing k, as {@link #kernel}.
     */
    private static void kernelNarrow(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int aks,
                                     float[] b, int bo, int ldb, float[] c, int co, int ldc, int kc, boolean load,
                                     int mr, int nw) {
        VectorMask<Float> m0 = S.indexInRange(0, nw), m1 = S.indexInRange(L, nw);
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            // Rows past mr repeat the last valid row's offset (a1..a5 do the same): loaded, never stored.
            int r1 = co + Math.min(1, mr - 1) * ldc, r2 = co + Math.min(2, mr - 1) * ldc,
                    r3 = co + Math.min(3, mr - 1) * ldc, r4 = co + Math.min(4, mr - 1) * ldc,
                    r5 = co + Math.min(5, mr - 1) * ldc;
            c00 = FloatVector.fromArray(S, c, co, m0); c01 = FloatVector.fromArray(S, c, co + L, m1);
            c10 = FloatVector.fromArray(S, c, r1, m0); c11 = FloatVector.fromArray(S, c, r1 + L, m1);
            c20 = FloatVector.fromArray(S, c, r2, m0); c21 = FloatVector.fromArray(S, c, r2 + L, m1);
            c30 = FloatVector.fromArray(S, c, r3, m0); c31 = FloatVector.fromArray(S, c, r3 + L, m1);
            c40 = FloatVector.fromArray(S, c, r4, m0); c41 = FloatVector.fromArray(S, c, r4 + L, m1);
            c50 = FloatVector.fromArray(S, c, r5, m0); c51 = FloatVector.fromArray(S, c, r5 + L, m1);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z;
            c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int kk = 0; kk < kc; kk++) {
            int bk = bo + kk * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            int ak = kk * aks;
            FloatVector av;
            av = FloatVector.broadcast(S, a[a0 + ak]); c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ak]); c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ak]); c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + ak]); c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + ak]); c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + ak]); c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        c00.intoArray(c, co, m0); c01.intoArray(c, co + L, m1);
        if (mr > 1) { c10.intoArray(c, co + ldc, m0); c11.intoArray(c, co + ldc + L, m1); }
        if (mr > 2) { c20.intoArray(c, co + 2 * ldc, m0); c21.intoArray(c, co + 2 * ldc + L, m1); }
        if (mr > 3) { c30.intoArray(c, co + 3 * ldc, m0); c31.intoArray(c, co + 3 * ldc + L, m1); }
        if (mr > 4) { c40.intoArray(c, co + 4 * ldc, m0); c41.intoArray(c, co + 4 * ldc + L, m1); }
        if (mr > 5) { c50.intoArray(c, co + 5 * ldc, m0); c51.intoArray(c, co + 5 * ldc + L, m1); }
    }

    /**
     * {@code C[m, n] (+)= A[m, k] · B[n, k]ᵀ} for a few rows of A, as dot products of contiguous rows:
     * each C element is the sum of {@code L} lane-wise fma chains over k (in increasing k), the lanes then
     * added in lane order, plus C's old value when accumulating. A fixed order whatever the threads, but a
     * different rounding from the tiled path (both are accurate to float rounding of a dot product).
     * Columns of C are split over threads when there is enough work.
     */
    private static void gemvNt(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               int m, int k, int n, boolean acc) {
        if ((long) m * n * k < PARALLEL_MIN_WORK || Parallel.threads() == 1) {
            gemvNtColumns(a, aOff, b, bOff, c, cOff, m, k, n, acc, 0, n);
        } else {
            int groups = (n + 3) / 4;
            Parallel.forRange(groups, Math.max(1, (int) (PARALLEL_MIN_WORK / 4 / Math.max(1L, (long) m * k))), (g0, g1) ->
                    gemvNtColumns(a, aOff, b, bOff, c, cOff, m, k, n, acc, g0 * 4, Math.min(n, g1 * 4)));
        }
    }

    private static void gemvNtColumns(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                      int m, int k, int n, boolean acc, int j0, int j1) {
        int kMain = k - k % L;
        VectorMask<Float> tail = S.indexInRange(kMain, k);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k;
            int j = j0;
            for (; j + 4 <= j1; j += 4) {
                int b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0; p < kMain; p += L) {
                    FloatVector av = FloatVector.fromArray(S, a, ai + p);
                    s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                if (kMain < k) {
                    FloatVector av = FloatVector.fromArray(S, a, ai + kMain, tail);
                    s0 = av.fma(FloatVector.fromArray(S, b, b0 + kMain, tail), s0);
                    s1 = av.fma(FloatVector.fromArray(S, b, b1 + kMain, tail), s1);
                    s2 = av.fma(FloatVector.fromArray(S, b, b2 + kMain, tail), s2);
                    s3 = av.fma(FloatVector.fromArray(S, b, b3 + kMain, tail), s3);
                }
                int ci = cOff + i * n + j;
                c[ci] = (acc ? c[ci] : 0f) + VectorMath.laneSum(s0);
                c[ci + 1] = (acc ? c[ci + 1] : 0f) + VectorMath.laneSum(s1);
                c[ci + 2] = (acc ? c[ci + 2] : 0f) + VectorMath.laneSum(s2);
                c[ci + 3] = (acc ? c[ci + 3] : 0f) + VectorMath.laneSum(s3);
            }
            for (; j < j1; j++) {
                int b0 = bOff + j * k;
                FloatVector s0 = FloatVector.zero(S);
                for (int p = 0; p < kMain; p += L) {
                    s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, b0 + p), s0);
                }
                if (kMain < k) {
                    s0 = FloatVector.fromArray(S, a, ai + kMain, tail).fma(FloatVector.fromArray(S, b, b0 + kMain, tail), s0);
                }
                int ci = cOff + i * n + j;
                c[ci] = (acc ? c[ci] : 0f) + VectorMath.laneSum(s0);
            }
        }
    }
}
