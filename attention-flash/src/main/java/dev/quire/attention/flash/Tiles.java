package dev.quire.attention.flash;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link FlashAttention}, on the small blocks of one (batch, head): two
 * register-tiled products and an exponential.
 *
 * <ul>
 *   <li>{@link #scoresT}: {@code C[j][r] = Σₓ A[j][x] · Bᵀ[x][r]}, the scores of a key tile against a
 *       query tile packed transposed, laid out key-major so that every per-query quantity (running
 *       maximum, sum, log-sum-exp, {@code rowsum(dO∘O)}) is a vector over queries and the softmax needs
 *       no horizontal reduction. 4 keys × 4 vectors of queries per register tile.</li>
 *   <li>{@link #accumulate}: {@code Out[a][:] (α[a]·)+= Σ_b P(a, b) · X[b][:]} with P read through
 *       strides, so one kernel does {@code O += P·V}, {@code dQ += dS·K} (a = query, b = key) and
 *       {@code dV += Pᵀ·dO}, {@code dK += dSᵀ·Q} (a = key, b = query). 4 rows × 4 vectors of the head
 *       dimension per register tile; a head dimension that is not a multiple of the vector width ends
 *       in a masked vector.</li>
 * </ul>
 *
 * <p>Determinism: every output element is one chain of fused multiply-adds in increasing order of the
 * contracted index, whichever path (full tile, remainder row, masked tail) computes it, and the
 * exponential uses basic IEEE operations only (the Vector API's own {@code EXP} runs as scalar
 * {@code Math.exp} until C2 compiles it, which would make the first calls differ in the last bits).
 */
final class Tiles {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Query columns of a full {@link #scoresT} register tile: 4 vectors. */
    private static final int W = 4 * L;

    private Tiles() {
    }

    // ---------------------------------------------------------------------------------------------
    // Scores: C[j·ldc + r] = Σₓ a[aOff + j·d + x] · bt[x·ldc + r], j < rows, r < ldc.

    /**
     * Scores of {@code rows} keys (or values) against a packed, transposed query tile.
     *
     * @param a    row-major {@code [rows][d]} from {@code aOff} (keys or values of one head)
     * @param bt   packed {@code [d][ldc]} (queries or output gradients, transposed)
     * @param c    receives {@code [rows][ldc]}, overwritten
     * @param ldc  row length of {@code bt} and {@code c}, a multiple of {@link #L}
     */
    static void scoresT(float[] a, int aOff, int rows, int d, float[] bt, float[] c, int ldc) {
        int r0 = 0;
        for (; r0 + W <= ldc; r0 += W) {
            int j = 0;
            for (; j + 4 <= rows; j += 4) {
                scores4x4(a, aOff + j * d, d, bt, r0, ldc, c, j * ldc + r0);
            }
            for (; j < rows; j++) {
                scores1x4(a, aOff + j * d, d, bt, r0, ldc, c, j * ldc + r0);
            }
        }
        for (; r0 < ldc; r0 += L) {
            int j = 0;
            for (; j + 4 <= rows; j += 4) {
                scores4x1(a, aOff + j * d, d, bt, r0, ldc, c, j * ldc + r0);
            }
            for (; j < rows; j++) {
                scores1x1(a, aOff + j * d, d, bt, r0, ldc, c, j * ldc + r0);
            }
        }
    }

    private static void scores4x4(float[] a, int a0, int d, float[] bt, int r0, int ldc, float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        for (int x = 0, bo = r0; x < d; x++, bo += ldc) {
            FloatVector b0 = FloatVector.fromArray(S, bt, bo);
            FloatVector b1 = FloatVector.fromArray(S, bt, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bt, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bt, bo + 3 * L);
            FloatVector s = FloatVector.broadcast(S, a[a0 + x]);
            c00 = b0.fma(s, c00);
            c01 = b1.fma(s, c01);
            c02 = b2.fma(s, c02);
            c03 = b3.fma(s, c03);
            s = FloatVector.broadcast(S, a[a1 + x]);
            c10 = b0.fma(s, c10);
            c11 = b1.fma(s, c11);
            c12 = b2.fma(s, c12);
            c13 = b3.fma(s, c13);
            s = FloatVector.broadcast(S, a[a2 + x]);
            c20 = b0.fma(s, c20);
            c21 = b1.fma(s, c21);
            c22 = b2.fma(s, c22);
            c23 = b3.fma(s, c23);
            s = FloatVector.broadcast(S, a[a3 + x]);
            c30 = b0.fma(s, c30);
            c31 = b1.fma(s, c31);
            c32 = b2.fma(s, c32);
            c33 = b3.fma(s, c33);
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + L);
        c12.intoArray(c, c1 + 2 * L);
        c13.intoArray(c, c1 + 3 * L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + L);
        c22.intoArray(c, c2 + 2 * L);
        c23.intoArray(c, c2 + 3 * L);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + L);
        c32.intoArray(c, c3 + 2 * L);
        c33.intoArray(c, c3 + 3 * L);
    }

    private static void scores1x4(float[] a, int a0, int d, float[] bt, int r0, int ldc, float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        for (int x = 0, bo = r0; x < d; x++, bo += ldc) {
            FloatVector s = FloatVector.broadcast(S, a[a0 + x]);
            c00 = FloatVector.fromArray(S, bt, bo).fma(s, c00);
            c01 = FloatVector.fromArray(S, bt, bo + L).fma(s, c01);
            c02 = FloatVector.fromArray(S, bt, bo + 2 * L).fma(s, c02);
            c03 = FloatVector.fromArray(S, bt, bo + 3 * L).fma(s, c03);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
    }

    private static void scores4x1(float[] a, int a0, int d, float[] bt, int r0, int ldc, float[] c, int c0) {
        FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        for (int x = 0, bo = r0; x < d; x++, bo += ldc) {
            FloatVector b = FloatVector.fromArray(S, bt, bo);
            c0v = b.fma(FloatVector.broadcast(S, a[a0 + x]), c0v);
            c1v = b.fma(FloatVector.broadcast(S, a[a1 + x]), c1v);
            c2v = b.fma(FloatVector.broadcast(S, a[a2 + x]), c2v);
            c3v = b.fma(FloatVector.broadcast(S, a[a3 + x]), c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + ldc);
        c2v.intoArray(c, c0 + 2 * ldc);
        c3v.intoArray(c, c0 + 3 * ldc);
    }

    private static void scores1x1(float[] a, int a0, int d, float[] bt, int r0, int ldc, float[] c, int c0) {
        FloatVector acc = FloatVector.zero(S);
        for (int x = 0, bo = r0; x < d; x++, bo += ldc) {
            acc = FloatVector.fromArray(S, bt, bo).fma(FloatVector.broadcast(S, a[a0 + x]), acc);
        }
        acc.intoArray(c, c0);
    }

    // ---------------------------------------------------------------------------------------------
    // Accumulate: out[oOff + a·d + :] = (alpha[a] ·) out[...] + Σ_b p[a·as + b·bs] · x[xOff + b·d + :].

    /**
     * Adds a (strided) {@code [aCount, bCount]} matrix times row-major {@code x [bCount][d]} into
     * row-major {@code out [aCount][d]}, first scaling each out row by {@code alpha[a]} when alpha is
     * not null.
     *
     * @param p      the left factor; element (a, b) at {@code p[a·as + b·bs]}
     * @param x      row-major {@code [bCount][d]} from {@code xOff}
     * @param out    row-major {@code [aCount][d]} from {@code oOff}, read and written
     * @param alpha  per-row factors applied to the old value of out, or null
     */
    static void accumulate(float[] p, int as, int bs, int aCount, int bCount, float[] x, int xOff, int d,
                           float[] out, int oOff, float[] alpha) {
        int a = 0;
        for (; a + 4 <= aCount; a += 4) {
            int o = oOff + a * d;
            int c = 0;
            for (; c + W <= d; c += W) {
                acc4x4(p, a * as, as, bs, bCount, x, xOff + c, d, out, o + c, alpha, a);
            }
            for (; c + L <= d; c += L) {
                acc4x1(p, a * as, as, bs, bCount, x, xOff + c, d, out, o + c, alpha, a);
            }
            if (c < d) {
                acc4x1Masked(p, a * as, as, bs, bCount, x, xOff + c, d, out, o + c, alpha, a, S.indexInRange(c, d));
            }
        }
        for (; a < aCount; a++) {
            int o = oOff + a * d;
            float al = alpha == null ? 1f : alpha[a];
            int c = 0;
            for (; c + W <= d; c += W) {
                acc1x4(p, a * as, bs, bCount, x, xOff + c, d, out, o + c, alpha != null, al);
            }
            for (; c < d; c += L) {
                acc1x1(p, a * as, bs, bCount, x, xOff + c, d, out, o + c, alpha != null, al, S.indexInRange(c, d));
            }
        }
    }

    private static void acc4x4(float[] p, int p0, int as, int bs, int bCount, float[] x, int x0, int d,
                               float[] out, int o0, float[] alpha, int a) {
        int o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        FloatVector c00 = FloatVector.fromArray(S, out, o0);
        FloatVector c01 = FloatVector.fromArray(S, out, o0 + L);
        FloatVector c02 = FloatVector.fromArray(S, out, o0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, out, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, out, o1);
        FloatVector c11 = FloatVector.fromArray(S, out, o1 + L);
        FloatVector c12 = FloatVector.fromArray(S, out, o1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, out, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, out, o2);
        FloatVector c21 = FloatVector.fromArray(S, out, o2 + L);
        FloatVector c22 = FloatVector.fromArray(S, out, o2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, out, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, out, o3);
        FloatVector c31 = FloatVector.fromArray(S, out, o3 + L);
        FloatVector c32 = FloatVector.fromArray(S, out, o3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, out, o3 + 3 * L);
        if (alpha != null) {
            float s0 = alpha[a], s1 = alpha[a + 1], s2 = alpha[a + 2], s3 = alpha[a + 3];
            c00 = c00.mul(s0);
            c01 = c01.mul(s0);
            c02 = c02.mul(s0);
            c03 = c03.mul(s0);
            c10 = c10.mul(s1);
            c11 = c11.mul(s1);
            c12 = c12.mul(s1);
            c13 = c13.mul(s1);
            c20 = c20.mul(s2);
            c21 = c21.mul(s2);
            c22 = c22.mul(s2);
            c23 = c23.mul(s2);
            c30 = c30.mul(s3);
            c31 = c31.mul(s3);
            c32 = c32.mul(s3);
            c33 = c33.mul(s3);
        }
        int p1 = p0 + as, p2 = p1 + as, p3 = p2 + as;
        for (int b = 0, pb = 0, xb = x0; b < bCount; b++, pb += bs, xb += d) {
            FloatVector x0v = FloatVector.fromArray(S, x, xb);
            FloatVector x1v = FloatVector.fromArray(S, x, xb + L);
            FloatVector x2v = FloatVector.fromArray(S, x, xb + 2 * L);
            FloatVector x3v = FloatVector.fromArray(S, x, xb + 3 * L);
            FloatVector s = FloatVector.broadcast(S, p[p0 + pb]);
            c00 = x0v.fma(s, c00);
            c01 = x1v.fma(s, c01);
            c02 = x2v.fma(s, c02);
            c03 = x3v.fma(s, c03);
            s = FloatVector.broadcast(S, p[p1 + pb]);
            c10 = x0v.fma(s, c10);
            c11 = x1v.fma(s, c11);
            c12 = x2v.fma(s, c12);
            c13 = x3v.fma(s, c13);
            s = FloatVector.broadcast(S, p[p2 + pb]);
            c20 = x0v.fma(s, c20);
            c21 = x1v.fma(s, c21);
            c22 = x2v.fma(s, c22);
            c23 = x3v.fma(s, c23);
            s = FloatVector.broadcast(S, p[p3 + pb]);
            c30 = x0v.fma(s, c30);
            c31 = x1v.fma(s, c31);
            c32 = x2v.fma(s, c32);
            c33 = x3v.fma(s, c33);
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c02.intoArray(out, o0 + 2 * L);
        c03.intoArray(out, o0 + 3 * L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c12.intoArray(out, o1 + 2 * L);
        c13.intoArray(out, o1 + 3 * L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c22.intoArray(out, o2 + 2 * L);
        c23.intoArray(out, o2 + 3 * L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c32.intoArray(out, o3 + 2 * L);
        c33.intoArray(out, o3 + 3 * L);
    }

    private static void acc4x1(float[] p, int p0, int as, int bs, int bCount, float[] x, int x0, int d,
                               float[] out, int o0, float[] alpha, int a) {
        int o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        FloatVector c0 = FloatVector.fromArray(S, out, o0);
        FloatVector c1 = FloatVector.fromArray(S, out, o1);
        FloatVector c2 = FloatVector.fromArray(S, out, o2);
        FloatVector c3 = FloatVector.fromArray(S, out, o3);
        if (alpha != null) {
            c0 = c0.mul(alpha[a]);
            c1 = c1.mul(alpha[a + 1]);
            c2 = c2.mul(alpha[a + 2]);
            c3 = c3.mul(alpha[a + 3]);
        }
        int p1 = p0 + as, p2 = p1 + as, p3 = p2 + as;
        for (int b = 0, pb = 0, xb = x0; b < bCount; b++, pb += bs, xb += d) {
            FloatVector xv = FloatVector.fromArray(S, x, xb);
            c0 = xv.fma(FloatVector.broadcast(S, p[p0 + pb]), c0);
            c1 = xv.fma(FloatVector.broadcast(S, p[p1 + pb]), c1);
            c2 = xv.fma(FloatVector.broadcast(S, p[p2 + pb]), c2);
            c3 = xv.fma(FloatVector.broadcast(S, p[p3 + pb]), c3);
        }
        c0.intoArray(out, o0);
        c1.intoArray(out, o1);
        c2.intoArray(out, o2);
        c3.intoArray(out, o3);
    }

    private static void acc4x1Masked(float[] p, int p0, int as, int bs, int bCount, float[] x, int x0, int d,
                                     float[] out, int o0, float[] alpha, int a, VectorMask<Float> m) {
        int o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        FloatVector c0 = FloatVector.fromArray(S, out, o0, m);
        FloatVector c1 = FloatVector.fromArray(S, out, o1, m);
        FloatVector c2 = FloatVector.fromArray(S, out, o2, m);
        FloatVector c3 = FloatVector.fromArray(S, out, o3, m);
        if (alpha != null) {
            c0 = c0.mul(alpha[a]);
            c1 = c1.mul(alpha[a + 1]);
            c2 = c2.mul(alpha[a + 2]);
            c3 = c3.mul(alpha[a + 3]);
        }
        int p1 = p0 + as, p2 = p1 + as, p3 = p2 + as;
        for (int b = 0, pb = 0, xb = x0; b < bCount; b++, pb += bs, xb += d) {
            FloatVector xv = FloatVector.fromArray(S, x, xb, m);
            c0 = xv.fma(FloatVector.broadcast(S, p[p0 + pb]), c0);
            c1 = xv.fma(FloatVector.broadcast(S, p[p1 + pb]), c1);
            c2 = xv.fma(FloatVector.broadcast(S, p[p2 + pb]), c2);
            c3 = xv.fma(FloatVector.broadcast(S, p[p3 + pb]), c3);
        }
        c0.intoArray(out, o0, m);
        c1.intoArray(out, o1, m);
        c2.intoArray(out, o2, m);
        c3.intoArray(out, o3, m);
    }

    private static void acc1x4(float[] p, int p0, int bs, int bCount, float[] x, int x0, int d,
                               float[] out, int o0, boolean scaled, float al) {
        FloatVector c0 = FloatVector.fromArray(S, out, o0);
        FloatVector c1 = FloatVector.fromArray(S, out, o0 + L);
        FloatVector c2 = FloatVector.fromArray(S, out, o0 + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, out, o0 + 3 * L);
        if (scaled) {
            c0 = c0.mul(al);
            c1 = c1.mul(al);
            c2 = c2.mul(al);
            c3 = c3.mul(al);
        }
        for (int b = 0, pb = p0, xb = x0; b < bCount; b++, pb += bs, xb += d) {
            FloatVector s = FloatVector.broadcast(S, p[pb]);
            c0 = FloatVector.fromArray(S, x, xb).fma(s, c0);
            c1 = FloatVector.fromArray(S, x, xb + L).fma(s, c1);
            c2 = FloatVector.fromArray(S, x, xb + 2 * L).fma(s, c2);
            c3 = FloatVector.fromArray(S, x, xb + 3 * L).fma(s, c3);
        }
        c0.intoArray(out, o0);
        c1.intoArray(out, o0 + L);
        c2.intoArray(out, o0 + 2 * L);
        c3.intoArray(out, o0 + 3 * L);
    }

    private static void acc1x1(float[] p, int p0, int bs, int bCount, float[] x, int x0, int d,
                               float[] out, int o0, boolean scaled, float al, VectorMask<Float> m) {
        FloatVector c = FloatVector.fromArray(S, out, o0, m);
        if (scaled) {
            c = c.mul(al);
        }
        for (int b = 0, pb = p0, xb = x0; b < bCount; b++, pb += bs, xb += d) {
            c = FloatVector.fromArray(S, x, xb, m).fma(FloatVector.broadcast(S, p[pb]), c);
        }
        c.intoArray(out, o0, m);
    }

    // ---------------------------------------------------------------------------------------------
    // Softmax pieces. Vectors never cross a method boundary here: a FloatVector argument or result of a
    // call that C2 does not inline is boxed on the heap, which would allocate per tile.

    /**
     * Running maximum of the online softmax over a tile of scores {@code s [rows][ld]}: per query r,
     * {@code m[r] = max(m[r], max_j s[j][r])}; {@code shift[r]} receives the new maximum, or 0 where it is
     * still −∞ (no key seen yet: subtracting −∞ would give NaN), and {@code alpha[r]} the old maximum,
     * for {@link #expShifted} to turn into the rescale factor {@code exp(m_old − shift)}.
     */
    static void runningMax(float[] s, int rows, int ld, float[] m, float[] shift, float[] alpha) {
        for (int r0 = 0; r0 < ld; r0 += L) {
            FloatVector tileMax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0, o = r0; j < rows; j++, o += ld) {
                tileMax = tileMax.max(FloatVector.fromArray(S, s, o));
            }
            FloatVector mOld = FloatVector.fromArray(S, m, r0);
            FloatVector mNew = mOld.max(tileMax);
            mNew.blend(0f, mNew.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).intoArray(shift, r0);
            mNew.intoArray(m, r0);
            mOld.intoArray(alpha, r0);
        }
    }

    /**
     * {@code x[j][r] = exp(x[j][r] − shift[r])} for {@code j < rows}, {@code r < ld} (a multiple of
     * {@link #L}), and along the way:
     * <ul>
     *   <li>when {@code sum} is not null, per query the Kahan-compensated sum of the new values:
     *       {@code sum[r] − lost[r]};</li>
     *   <li>when {@code dp} is not null, the score gradient {@code dp[j][r] = x[j][r]·(dp[j][r] − rowD[r])·scale}
     *       with the new x (FlashAttention-2's {@code dS = P∘(dP − D)}, pre-scaled).</li>
     * </ul>
     * Entries of −∞ (masked) become exactly 0, and so do entries shifted by +∞ (queries that see no key).
     *
     * <p>The exponential is Cephes' {@code expf} (about 2 ulp) from basic IEEE operations:
     * {@code x = n·ln2 + r}, {@code |r| ≤ ln2/2}, {@code e^x = 2^n·e^r}; inputs below −87 give 0, above 88
     * saturate at {@code e^88}.
     */
    static void expShifted(float[] x, int rows, int ld, float[] shift, float[] sum, float[] lost,
                           float[] dp, float[] rowD, float scale) {
        FloatVector lnHi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector lnLo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector c0 = FloatVector.broadcast(S, 1.9875691500E-4f);
        FloatVector c1 = FloatVector.broadcast(S, 1.3981999507E-3f);
        FloatVector c2 = FloatVector.broadcast(S, 8.3334519073E-3f);
        FloatVector c3 = FloatVector.broadcast(S, 4.1665795894E-2f);
        FloatVector c4 = FloatVector.broadcast(S, 1.6666665459E-1f);
        FloatVector c5 = FloatVector.broadcast(S, 5.0000001201E-1f);
        for (int r0 = 0; r0 < ld; r0 += L) {
            FloatVector sh = FloatVector.fromArray(S, shift, r0);
            // Never a null vector: a phi of null and a vector would box the vector on the heap.
            FloatVector d = rowD == null ? FloatVector.zero(S) : FloatVector.fromArray(S, rowD, r0);
            FloatVector total = FloatVector.zero(S);
            FloatVector gone = total;
            for (int j = 0, o = r0; j < rows; j++, o += ld) {
                FloatVector v = FloatVector.fromArray(S, x, o).sub(sh);
                // exp(v)
                VectorMask<Float> under = v.compare(VectorOperators.LT, -87f);
                FloatVector xc = v.max(-87f).min(88f);
                FloatVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
                FloatVector r = n.fma(lnHi, xc);
                r = n.fma(lnLo, r);
                FloatVector p = c0.fma(r, c1);
                p = p.fma(r, c2);
                p = p.fma(r, c3);
                p = p.fma(r, c4);
                p = p.fma(r, c5);
                p = p.fma(r.mul(r), r).add(1f);
                IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, I, 0)).add(127)
                        .lanewise(VectorOperators.LSHL, 23);
                FloatVector e = p.mul(bits.reinterpretAsFloats()).blend(0f, under);
                e.intoArray(x, o);
                if (sum != null) {
                    FloatVector y = e.sub(gone);
                    FloatVector t = total.add(y);
                    gone = t.sub(total).sub(y);
                    total = t;
                }
                if (dp != null) {
                    e.mul(FloatVector.fromArray(S, dp, o).sub(d)).mul(scale).intoArray(dp, o);
                }
            }
            if (sum != null) {
                total.intoArray(sum, r0);
                gone.intoArray(lost, r0);
            }
        }
    }

    /**
     * Hides key j from the tile's queries {@code r < shift + j}: {@code s[j][r] = −∞} there. With
     * {@code shift = j0 − (Tk − Tq) − i0} this is the causal mask of the tile (queries i0.., keys j0..).
     */
    static void maskCausal(float[] s, int rows, int ld, int shift) {
        for (int j = 0; j < rows; j++) {
            int hidden = shift + j;
            if (hidden <= 0) {
                continue;
            }
            int o = j * ld;
            for (int r0 = 0; r0 < ld && r0 < hidden; r0 += L) {
                FloatVector.fromArray(S, s, o + r0)
                        .blend(Float.NEGATIVE_INFINITY, S.indexInRange(r0, hidden))
                        .intoArray(s, o + r0);
            }
        }
    }

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Adding then subtracting 1.5·2^23 rounds to the nearest integer. */
    private static final float ROUND = 0x1.8p23f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two (Cephes): n·C1 is exact, C2 carries the rest. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
}
