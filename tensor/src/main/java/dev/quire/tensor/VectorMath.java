package dev.quire.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops for the transcendental parts of the fused ops (GELU, softmax).
 *
 * <p>Determinism rules followed here:
 * <ul>
 *   <li>Ragged ends use masks or padded copies rather than different scalar code, so every element goes
 *       through the same arithmetic wherever it sits: results do not depend on how a parallel loop was
 *       chunked. (Scalar {@code Math.fma} rounds as the vector fma does, so plain fma loops may finish
 *       in scalar code.)</li>
 *   <li>Only basic IEEE operations (add, mul, fma, div, conversions, bit shifts) are used. The Vector
 *       API's own exponential and hyperbolic tangent compile to SVML routines but run as scalar
 *       {@code Math.exp} per lane before the JIT kicks in, and {@code reduceLanes} with addition sums in a
 *       tree once compiled but in lane order before: either would make a cold first step differ in the
 *       last bits from later ones. {@link #exp(FloatVector)} is written out instead, and lane sums are taken in lane order by {@link #laneSum}.</li>
 * </ul>
 */
final class VectorMath {

    private VectorMath() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double GELU_C = 0.044715;

    // ---------------------------------------------------------------------------------------------
    // exp from basic operations: x = n ln2 + r with |r| <= ln2/2, e^x = 2^n e^r.

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    /** Adding then subtracting 1.5·2^23 rounds to the nearest integer. */
    private static final float ROUND_F = 0x1.8p23f;
    private static final float LOG2E_F = 1.44269504088896341f;
    /** ln 2 split in two (Cephes): n·C1 is exact, C2 carries the rest. */
    private static final float LN2_HI_F = 0.693359375f, LN2_LO_F = -2.12194440e-4f;

    /**
     * e^x in float to about 2 ulp (Cephes' expf polynomial). Inputs below about -87.7 give exactly 0 (so
     * {@code exp(-inf) = 0}, as masked attention needs): x is clamped to -88, where n = -127 and the
     * constructed 2^n has all exponent bits zero, i.e. 0 (no blend needed, which keeps the code small
     * enough for C2 to inline). Inputs above 88 saturate at e^88; NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-88f).min(88f);
        FloatVector n = xc.mul(LOG2E_F).add(ROUND_F).sub(ROUND_F);                    // round(x / ln2)
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI_F), xc);               // x - n ln2, in two steps
        r = n.fma(FloatVector.broadcast(F, -LN2_LO_F), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500E-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507E-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073E-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894E-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459E-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201E-1f));
        p = p.fma(r.mul(r), r).add(1f);                                               // e^r
        IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, I, 0)).add(127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());                                     // · 2^n, n in [-127, 127]
    }

    /** Sum of the lanes in lane order (a fixed order, unlike {@code reduceLanes(ADD)}). */
    static float laneSum(FloatVector v) {
        // lane(i) per lane (an extract once compiled) rather than toArray(), which allocated an array per call.
        // With AVX-512, constant lane numbers: lane(i) with a variable i compiles to a 16-way switch, large
        // enough that once laneSum had code of its own C2 stopped inlining it (InlineSmallCode), and every
        // caller then boxed its vector on the heap (layer norm: ~20 MB per training step on preset small).
        if (F.length() == 16) {
            return 0f + v.lane(0) + v.lane(1) + v.lane(2) + v.lane(3) + v.lane(4) + v.lane(5) + v.lane(6) + v.lane(7)
                    + v.lane(8) + v.lane(9) + v.lane(10) + v.lane(11) + v.lane(12) + v.lane(13) + v.lane(14) + v.lane(15);
        }
        float s = 0f;
        for (int i = 0; i < F.length(); i++) s += v.lane(i);
        return s;
    }

    // ---------------------------------------------------------------------------------------------
    // GELU, in float lanes. Kept in small methods: the Vector API is only fast when C2 inlines every
    // vector call, and a large loop body exceeds its inlining budget (calls then run out of line, slowly).

    // Exact GELU, x Φ(x), with Φ(x) = erfc(-x/√2)/2 and Numerical Recipes' erfc fit:
    // erfc(z) = t·exp(-z² + P(t)), t = 1/(1 + |z|/2), relative error < 1.2e-7. e^{-x²/2} is computed
    // accurately even for large |x|: x²/2 is split exactly into hi + lo (lo from an fma), so e^{-hi} gets
    // an exact argument and e^{-lo} ≈ 1 - lo (rounding x²/2 itself would cost up to 2e-6 at |x| = 10).

    /** σ(2u) = (1 + tanh u)/2 with u = √(2/π)(x + c x³); no cancellation for very negative x. */
    private static FloatVector tanhGate(FloatVector x) {
        FloatVector u2 = x.mul(x).fma((float) GELU_C, 1f).mul(x).mul((float) (2 * SQRT_2_OVER_PI)); // 2u
        return FloatVector.broadcast(F, 1f).div(exp(u2.neg()).add(1f));
    }

    /** What a GELU loop computes; see {@link #gelu(int, float[], float[], float[], int, int, boolean)}. */
    static final int GELU_VALUE = 0, GELU_GRADIENT = 1, GELU_VALUE_AND_SLOPE = 2;

    /**
     * One GELU loop over {@code [from, to)}, three jobs:
     * <ul>
     *   <li>{@link #GELU_VALUE}: {@code a[i] = gelu(x[i])} ({@code b} unused);</li>
     *   <li>{@link #GELU_GRADIENT}: {@code b[i] += a[i] · gelu'(x[i])} (a: the gradient of the output);</li>
     *   <li>{@link #GELU_VALUE_AND_SLOPE}: {@code a[i] = gelu(x[i])}, {@code b[i] = gelu'(x[i])}.</li>
     * </ul>
     * The value and the slope are computed by the same operations in every mode, so a slope stored by
     * the third and applied later ({@code gx = fma(g, slope, gx)}) gives the second's bits.
     */
    static void gelu(int mode, float[] x, float[] a, float[] b, int from, int to, boolean exact) {
        int full = to - (to - from) % F.length();
        if (exact) {
            geluExactVectors(mode, x, a, b, from, full);
        } else {
            geluTanhVectors(mode, x, a, b, from, full);
        }
        if (full < to) {
            // The ragged end through padded copies, so the main loops need no masks.
            float[][] pad = PAD.get();
            float[] px = pad[0], pa = pad[1], pb = pad[2];
            int n = to - full;
            java.util.Arrays.fill(px, 0f);
            java.util.Arrays.fill(pa, 0f);
            java.util.Arrays.fill(pb, 0f);
            System.arraycopy(x, full, px, 0, n);
            if (mode == GELU_GRADIENT) {
                System.arraycopy(a, full, pa, 0, n);
                System.arraycopy(b, full, pb, 0, n);
            }
            if (exact) {
                geluExactVectors(mode, px, pa, pb, 0, F.length());
            } else {
                geluTanhVectors(mode, px, pa, pb, 0, F.length());
            }
            if (mode != GELU_GRADIENT) {
                System.arraycopy(pa, 0, a, full, n);
            }
            if (mode != GELU_VALUE) {
                System.arraycopy(pb, 0, b, full, n);
            }
        }
    }

    /** {@code c[i] = fma(b[i], a[i], c[i])} over [from, to): the same rounding as {@link #GELU_GRADIENT}. */
    static void fmaInto(float[] a, float[] b, float[] c, int from, int to) {
        int i = from;
        for (; i < F.loopBound(to - from) + from; i += F.length()) {
            FloatVector.fromArray(F, b, i).fma(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, c, i)).intoArray(c, i);
        }
        for (; i < to; i++) {
            c[i] = Math.fma(b[i], a[i], c[i]);
        }
    }

    /** Per-thread padded vectors for the ragged end of a GELU loop. */
    private static final ThreadLocal<float[][]> PAD =
            ThreadLocal.withInitial(() -> new float[][] {new float[F.length()], new float[F.length()], new float[F.length()]});

    /** The tanh approximation: {@link #gelu(int, float[], float[], float[], int, int, boolean)}, whole vectors. */
    private static void geluTanhVectors(int mode, float[] x, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            if (mode != GELU_GRADIENT) {
                v.mul(tanhGate(v)).intoArray(a, i);                                  // x σ(2u)
            }
            if (mode == GELU_GRADIENT) {
                FloatVector.fromArray(F, a, i).fma(tanhGateGrad(v), FloatVector.fromArray(F, b, i)).intoArray(b, i);
            } else if (mode == GELU_VALUE_AND_SLOPE) {
                tanhGateGrad(v).intoArray(b, i);
            }
        }
    }

    /*
     * The exact GELU loop below is expHalfSquare, normalCdf, erfcPoly and exp written out by hand in
     * the loop body, operation for operation (so the results are bit-identical to those helpers). With
     * the helpers, the loop exceeded C2's inlining budget: the helpers were compiled out of line, every
     * vector between them was boxed on the heap, and GELU cost several times the matrix multiplies
     * around it. Only the Vector API's own (force-inlined) methods are called here. The loop reads and
     * writes whole vectors (no masks: masked loads cost a third of the loop); the caller pads the end.
     */

    /** The exact GELU: {@link #gelu(int, float[], float[], float[], int, int, boolean)}, whole vectors. */
    private static void geluExactVectors(int mode, float[] x, float[] a, float[] b, int from, int to) {
        final FloatVector one = FloatVector.broadcast(F, 1f);
        final FloatVector nLn2Hi = FloatVector.broadcast(F, -LN2_HI_F), nLn2Lo = FloatVector.broadcast(F, -LN2_LO_F);
        final FloatVector e0 = FloatVector.broadcast(F, 1.9875691500E-4f), e1 = FloatVector.broadcast(F, 1.3981999507E-3f),
                e2 = FloatVector.broadcast(F, 8.3334519073E-3f), e3 = FloatVector.broadcast(F, 4.1665795894E-2f),
                e4 = FloatVector.broadcast(F, 1.6666665459E-1f), e5 = FloatVector.broadcast(F, 5.0000001201E-1f);
        final FloatVector p0 = FloatVector.broadcast(F, 0.17087277f), p1 = FloatVector.broadcast(F, -0.82215223f),
                p2 = FloatVector.broadcast(F, 1.48851587f), p3 = FloatVector.broadcast(F, -1.13520398f),
                p4 = FloatVector.broadcast(F, 0.27886807f), p5 = FloatVector.broadcast(F, -0.18628806f),
                p6 = FloatVector.broadcast(F, 0.09678418f), p7 = FloatVector.broadcast(F, 0.37409196f),
                p8 = FloatVector.broadcast(F, 1.00002368f), p9 = FloatVector.broadcast(F, -1.26551223f);
        final FloatVector invSqrt2Pi = FloatVector.broadcast(F, (float) INV_SQRT_2PI);
        final float halfInvSqrt2 = (float) (0.5 * INV_SQRT_2);
        for (int i = from; i < to; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            // eHalfSq = e^{-x²/2} (expHalfSquare)
            FloatVector sq = v.mul(v);
            FloatVector lo = v.fma(v, sq.neg()).mul(0.5f);
            FloatVector ex = sq.mul(-0.5f).max(-88f).min(88f);
            FloatVector n = ex.mul(LOG2E_F).add(ROUND_F).sub(ROUND_F);
            FloatVector r = n.fma(nLn2Hi, ex);
            r = n.fma(nLn2Lo, r);
            FloatVector p = e0.fma(r, e1).fma(r, e2).fma(r, e3).fma(r, e4).fma(r, e5);
            p = p.fma(r.mul(r), r).add(1f);
            FloatVector eHalfSq = p.mul(((IntVector) n.convertShape(VectorOperators.F2I, I, 0)).add(127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).mul(lo.neg().add(1f));
            // Φ(x) (normalCdf): t = 1/(1 + |x|/(2√2)), erfc(|x|/√2) = t e^{-x²/2} e^{P(t)}
            FloatVector t = one.div(v.abs().fma(halfInvSqrt2, 1f));
            FloatVector h = p0.fma(t, p1).fma(t, p2).fma(t, p3).fma(t, p4).fma(t, p5).fma(t, p6).fma(t, p7)
                    .fma(t, p8).fma(t, p9);
            FloatVector hc = h.max(-88f).min(88f);
            FloatVector n2 = hc.mul(LOG2E_F).add(ROUND_F).sub(ROUND_F);
            FloatVector r2 = n2.fma(nLn2Hi, hc);
            r2 = n2.fma(nLn2Lo, r2);
            FloatVector q = e0.fma(r2, e1).fma(r2, e2).fma(r2, e3).fma(r2, e4).fma(r2, e5);
            q = q.fma(r2.mul(r2), r2).add(1f);
            FloatVector erfc = t.mul(eHalfSq).mul(q.mul(((IntVector) n2.convertShape(VectorOperators.F2I, I, 0)).add(127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()));
            FloatVector half = erfc.mul(0.5f);
            FloatVector cdf = half.neg().add(1f).blend(half, v.compare(VectorOperators.LT, 0f));
            if (mode != GELU_GRADIENT) {
                v.mul(cdf).intoArray(a, i);                                                // x Φ(x)
            }
            if (mode != GELU_VALUE) {
                FloatVector d = v.mul(eHalfSq).fma(invSqrt2Pi, cdf);                      // Φ + x φ
                if (mode == GELU_GRADIENT) {
                    FloatVector.fromArray(F, a, i).fma(d, FloatVector.fromArray(F, b, i)).intoArray(b, i);
                } else {
                    d.intoArray(b, i);
                }
            }
        }
    }

    /** d/dx [x σ(2u)] = s + x s (1 - s) 2u' with s = σ(2u) and 1 - s = e^{-2u} s (e^{-2u} saturates, never ∞). */
    private static FloatVector tanhGateGrad(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector u2 = x2.fma((float) GELU_C, 1f).mul(x).mul((float) (2 * SQRT_2_OVER_PI));
        FloatVector e = exp(u2.neg());
        FloatVector s = FloatVector.broadcast(F, 1f).div(e.add(1f));
        FloatVector du2 = x2.fma((float) (3 * GELU_C), 1f).mul((float) (2 * SQRT_2_OVER_PI));
        return x.mul(s).mul(e.mul(s)).fma(du2, s);
    }

    // ---------------------------------------------------------------------------------------------
    // Layer norm rows

    /**
     * Normalizes row r, {@code x[off .. off+c)}, into y: {@code (x - mean) · rstd · w + b} (w, b may be
     * null), saving {@code mean[r]} and {@code rstd[r]} for the backward pass. Two passes (mean, then the
     * variance of the centred values) for accuracy.
     */
    static void layerNormRow(float[] x, float[] y, int off, int c, float[] w, float[] b, float eps,
                             float[] mean, float[] rstd, int r) {
        FloatVector s = FloatVector.zero(F);
        for (int j = 0; j < c; j += F.length()) {
            s = s.add(FloatVector.fromArray(F, x, off + j, F.indexInRange(j, c)));
        }
        float mu = laneSum(s) / c;
        FloatVector v = FloatVector.zero(F);
        for (int j = 0; j < c; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, c);
            FloatVector d = FloatVector.fromArray(F, x, off + j, m).sub(mu);
            v = d.fma(d, v).blend(v, m.not());  // masked-off lanes of d are -mu: keep them out
        }
        float rs = (float) (1.0 / Math.sqrt(laneSum(v) / c + (double) eps)); // biased variance, as in PyTorch
        mean[r] = mu;
        rstd[r] = rs;
        for (int j = 0; j < c; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, c);
            FloatVector o = FloatVector.fromArray(F, x, off + j, m).sub(mu).mul(rs);
            if (w != null) o = o.mul(FloatVector.fromArray(F, w, j, m));
            if (b != null) o = o.add(FloatVector.fromArray(F, b, j, m));
            o.intoArray(y, off + j, m);
        }
    }

    /** gx += rstd · (dn - mean(dn) - xhat · mean(dn · xhat)) with dn = g · w, xhat = (x - mean) · rstd. */
    static void layerNormBackwardRow(float[] x, float[] g, float[] gx, int off, int c, float[] w, float mu, float rs) {
        FloatVector s1 = FloatVector.zero(F), s2 = FloatVector.zero(F);
        for (int j = 0; j < c; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, c);
            FloatVector dn = FloatVector.fromArray(F, g, off + j, m);
            if (w != null) dn = dn.mul(FloatVector.fromArray(F, w, j, m));
            FloatVector xhat = FloatVector.fromArray(F, x, off + j, m).sub(mu).mul(rs);
            s1 = s1.add(dn);                    // masked-off lanes of dn are 0
            s2 = dn.fma(xhat, s2);
        }
        float m1 = laneSum(s1) / c, m2 = laneSum(s2) / c;
        for (int j = 0; j < c; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, c);
            FloatVector dn = FloatVector.fromArray(F, g, off + j, m);
            if (w != null) dn = dn.mul(FloatVector.fromArray(F, w, j, m));
            FloatVector xhat = FloatVector.fromArray(F, x, off + j, m).sub(mu).mul(rs);
            FloatVector d = dn.sub(m1).sub(xhat.mul(m2)).mul(rs);
            d.add(FloatVector.fromArray(F, gx, off + j, m)).intoArray(gx, off + j, m);
        }
    }

    /**
     * Layer norm's parameter gradients for columns {@code [c0, c1)}: {@code gw[j] += Σ_r g[r, j] · xhat[r, j]}
     * and {@code gb[j] += Σ_r g[r, j]}, rows in order (either array may be null). The product
     * {@code g · ((x - mean) · rstd)} is rounded exactly as the scalar formula (no fma).
     */
    static void layerNormParamGrads(float[] x, float[] g, float[] gw, float[] gb, float[] mean, float[] rstd,
                                    int rows, int c, int c0, int c1) {
        for (int j = c0; j < c1; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, c1);
            if (gw != null) {
                FloatVector sw = FloatVector.fromArray(F, gw, j, m);
                for (int r = 0; r < rows; r++) {
                    int base = r * c + j;
                    FloatVector xhat = FloatVector.fromArray(F, x, base, m).sub(mean[r]).mul(rstd[r]);
                    sw = sw.add(FloatVector.fromArray(F, g, base, m).mul(xhat));
                }
                sw.intoArray(gw, j, m);
            }
            if (gb != null) {
                FloatVector sb = FloatVector.fromArray(F, gb, j, m);
                for (int r = 0; r < rows; r++) {
                    sb = sb.add(FloatVector.fromArray(F, g, r * c + j, m));
                }
                sb.intoArray(gb, j, m);
            }
        }
    }

    /** Maximum of a[off .. off+n). */
    static float max(float[] a, int off, int n) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, n);
            mv = mv.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, a, off + j, m), m);
        }
        return mv.reduceLanes(VectorOperators.MAX);
    }

    /** y[j] = exp(x[j] - shift) over a row; returns the sum of the exponentials. */
    static float expShiftSum(float[] x, float[] y, int off, int n, float shift) {
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < n; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector e = exp(FloatVector.fromArray(F, x, off + j, m).sub(shift));
            sum = sum.add(e, m);
            e.intoArray(y, off + j, m);
        }
        return laneSum(sum);
    }

    /** Σ a[j]·b[j] over a row (b may be null: Σ a[j]). */
    static float dot(float[] a, float[] b, int off, int n) {
        FloatVector s = FloatVector.zero(F);
        for (int j = 0; j < n; j += F.length()) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector va = FloatVector.fromArray(F, a, off + j, m);
            s = b == null ? s.add(va) : va.fma(FloatVector.fromArray(F, b, off + j, m), s);
        }
        return laneSum(s);
    }
}
