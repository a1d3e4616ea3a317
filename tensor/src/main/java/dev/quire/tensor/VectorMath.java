package dev.quire.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops for the transcendental parts of the fused ops (GELU, softmax).
 *
 * <p>Determinism rules followed here:
 * <ul>
 *   <li>Ragged ends use masks rather than scalar loops, so every element goes through the same
 *       arithmetic wherever it sits: results do not depend on how a parallel loop was chunked.</li>
 *   <li>Only basic IEEE operations (add, mul, fma, div, conversions, bit shifts) are used. The Vector
 *       API's own exponential and hyperbolic tangent compile to SVML routines but run as scalar
 *       {@code Math.exp} per lane before the JIT kicks in, and {@code reduceLanes} with addition sums in a
 *       tree once compiled but in lane order before: either would make a cold first step differ in the
 *       last bits from later ones. {@link #exp(FloatVector)} and {@link #exp(DoubleVector)} are written
 *       out instead, and lane sums are taken in lane order by {@link #laneSum}.</li>
 * </ul>
 */
final class VectorMath {

    private VectorMath() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles for accuracy-sensitive math; {@link #FH} holds the same number of floats. */
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double GELU_C = 0.044715;

    // ---------------------------------------------------------------------------------------------
    // exp and tanh from basic operations: x = n ln2 + r with |r| <= ln2/2, e^x = 2^n e^r.

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;

    /** Adding then subtracting 1.5·2^23 (2^52 for doubles) rounds to the nearest integer. */
    private static final float ROUND_F = 0x1.8p23f;
    private static final double ROUND_D = 0x1.8p52;
    private static final float LOG2E_F = 1.44269504088896341f;
    private static final double LOG2E_D = 1.4426950408889634;
    /** ln 2 split in two (Cephes): n·C1 is exact, C2 carries the rest. */
    private static final float LN2_HI_F = 0.693359375f, LN2_LO_F = -2.12194440e-4f;
    /** ln 2 split in two (fdlibm). */
    private static final double LN2_HI_D = 6.93147180369123816490e-01, LN2_LO_D = 1.90821492927058770002e-10;
    /** 1/k! for k = 0..12: Taylor series of e^r, |r| <= 0.347, error below 2e-16. */
    private static final double[] INV_FACT = new double[13];

    static {
        double f = 1;
        for (int k = 0; k < INV_FACT.length; k++) {
            if (k > 0) f *= k;
            INV_FACT[k] = 1 / f;
        }
    }

    /**
     * e^x in float to about 2 ulp (Cephes' expf polynomial). Inputs below -87 give exactly 0 (so
     * {@code exp(-inf) = 0}, as masked attention needs), inputs above 88 saturate at e^88; NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, -87f);
        FloatVector xc = x.max(-87f).min(88f);
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
        FloatVector pow2n = bits.reinterpretAsFloats();                               // 2^n, n in [-126, 127]
        return p.mul(pow2n).blend(0f, under);
    }

    /** e^x in double to a few ulp; x is clamped to [-708, 709] (beyond, e^x is 0 or ∞ in float anyway). */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.max(-708.0).min(709.0);
        DoubleVector n = xc.mul(LOG2E_D).add(ROUND_D).sub(ROUND_D);
        DoubleVector r = n.fma(DoubleVector.broadcast(D, -LN2_HI_D), xc);
        r = n.fma(DoubleVector.broadcast(D, -LN2_LO_D), r);
        DoubleVector p = DoubleVector.broadcast(D, INV_FACT[12]);
        for (int k = 11; k >= 0; k--) {
            p = p.fma(r, DoubleVector.broadcast(D, INV_FACT[k]));
        }
        LongVector bits = ((LongVector) n.convertShape(VectorOperators.D2L, LS, 0)).add(1023)
                .lanewise(VectorOperators.LSHL, 52);
        return p.mul(bits.reinterpretAsDoubles());
    }

    /** tanh(u) = sign(u) (1 - 2 / (e^{2|u|} + 1)): absolute error about 1e-16, which is what GELU needs. */
    static DoubleVector tanh(DoubleVector u) {
        DoubleVector e = exp(u.abs().mul(2.0));
        DoubleVector t = DoubleVector.broadcast(D, 1.0).sub(DoubleVector.broadcast(D, 2.0).div(e.add(1.0)));
        return t.blend(t.neg(), u.compare(VectorOperators.LT, 0.0));
    }

    /** Sum of the lanes in lane order (a fixed order, unlike {@code reduceLanes(ADD)}). */
    static float laneSum(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0f;
        for (float x : lanes) s += x;
        return s;
    }

    private static DoubleVector load(float[] a, int i, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromArray(FH, a, i, m).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void store(DoubleVector v, float[] a, int i, VectorMask<Float> m) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, FH, 0)).intoArray(a, i, m);
    }

    /** a·b + c, fused. */
    private static DoubleVector fma(DoubleVector a, DoubleVector b, double c) {
        return a.fma(b, DoubleVector.broadcast(D, c));
    }

    /**
     * erfc(z), relative error below 1.2e-7 (Numerical Recipes' Chebyshev fit, the same formula as
     * {@link NnOps#erfc}); in double so that exp(-z²) keeps its precision for large |z|.
     */
    static DoubleVector erfc(DoubleVector z) {
        DoubleVector t = z.abs().fma(0.5, 1.0);
        t = DoubleVector.broadcast(D, 1.0).div(t);
        DoubleVector h = DoubleVector.broadcast(D, 0.17087277);
        h = fma(h, t, -0.82215223);
        h = fma(h, t, 1.48851587);
        h = fma(h, t, -1.13520398);
        h = fma(h, t, 0.27886807);
        h = fma(h, t, -0.18628806);
        h = fma(h, t, 0.09678418);
        h = fma(h, t, 0.37409196);
        h = fma(h, t, 1.00002368);
        DoubleVector arg = fma(h, t, -1.26551223).sub(z.mul(z));
        DoubleVector r = t.mul(exp(arg));
        // erfc(-|z|) = 2 - erfc(|z|)
        return r.blend(r.neg().add(2.0), z.compare(VectorOperators.LT, 0.0));
    }

    // The GELU loops are split into one small method per variant and direction: the Vector API is only
    // fast when C2 inlines every vector call, and one big method with both variants exceeded the
    // inlining budget (a DoubleVector.add then ran as a slow out-of-line call).

    /** y[i] = gelu(x[i]) for i in [from, to). */
    static void gelu(float[] x, float[] y, int from, int to, boolean exact) {
        if (exact) {
            for (int i = from; i < to; i += FH.length()) {
                VectorMask<Float> m = FH.indexInRange(i, to);
                store(geluExact(load(x, i, m)), y, i, m);
            }
        } else {
            for (int i = from; i < to; i += FH.length()) {
                VectorMask<Float> m = FH.indexInRange(i, to);
                store(geluTanh(load(x, i, m)), y, i, m);
            }
        }
    }

    /** gx[i] += g[i] · gelu'(x[i]) for i in [from, to). */
    static void geluBackward(float[] x, float[] g, float[] gx, int from, int to, boolean exact) {
        if (exact) {
            for (int i = from; i < to; i += FH.length()) {
                VectorMask<Float> m = FH.indexInRange(i, to);
                store(load(g, i, m).fma(geluExactGrad(load(x, i, m)), load(gx, i, m)), gx, i, m);
            }
        } else {
            for (int i = from; i < to; i += FH.length()) {
                VectorMask<Float> m = FH.indexInRange(i, to);
                store(load(g, i, m).fma(geluTanhGrad(load(x, i, m)), load(gx, i, m)), gx, i, m);
            }
        }
    }

    /** x Φ(x) = x erfc(-x/√2) / 2. */
    private static DoubleVector geluExact(DoubleVector v) {
        return v.mul(0.5).mul(erfc(v.mul(-INV_SQRT_2)));
    }

    /** Φ(x) + x φ(x). */
    private static DoubleVector geluExactGrad(DoubleVector v) {
        DoubleVector phi = exp(v.mul(v).mul(-0.5)).mul(INV_SQRT_2PI);
        return erfc(v.mul(-INV_SQRT_2)).fma(DoubleVector.broadcast(D, 0.5), v.mul(phi));
    }

    /** x (1 + tanh(u)) / 2 with u = √(2/π)(x + c x³). */
    private static DoubleVector geluTanh(DoubleVector v) {
        DoubleVector u = v.mul(v).fma(GELU_C, 1.0).mul(v).mul(SQRT_2_OVER_PI);
        return v.mul(0.5).mul(tanh(u).add(1.0));
    }

    /** (1 + t)/2 + x (1 - t²) u'/2 with t = tanh(u). */
    private static DoubleVector geluTanhGrad(DoubleVector v) {
        DoubleVector x2 = v.mul(v);
        DoubleVector t = tanh(x2.fma(GELU_C, 1.0).mul(v).mul(SQRT_2_OVER_PI));
        DoubleVector du = x2.fma(3 * GELU_C, 1.0).mul(SQRT_2_OVER_PI);
        DoubleVector halfSech2 = t.mul(t).neg().add(1.0).mul(0.5);
        return t.add(1.0).mul(0.5).add(v.mul(halfSech2).mul(du));
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
