package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks an op against its double-precision reference: the forward values, and the float32 analytic
 * gradient from {@code backward()} against central finite differences of the reference's random scalar
 * projection {@code sum(out * r)}, computed entirely in double.
 */
final class GradCheck {

    private GradCheck() {}

    static float[] random(SplittableRandom rng, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return v;
    }

    static float[][] randomInputs(long seed, int[][] shapes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] v = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) v[i] = random(rng, Ref.size(shapes[i]), -2, 2);
        return v;
    }

    static void check(String name, int[][] shapes, Function<Tensor[], Tensor> op,
                      Function<double[][], double[]> ref) {
        check(name, randomInputs(name.hashCode(), shapes), shapes, op, ref);
    }

    static void check(String name, float[][] values, int[][] shapes, Function<Tensor[], Tensor> op,
                      Function<double[][], double[]> ref) {
        Tensor[] inputs = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) inputs[i] = Tensor.parameter(values[i].clone(), shapes[i]);
        Tensor out = op.apply(inputs);

        double[][] dv = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            dv[i] = new double[values[i].length];
            for (int j = 0; j < values[i].length; j++) dv[i][j] = values[i][j];
        }
        double[] expected = ref.apply(dv);
        assertThat(out.size()).as("%s: output size", name).isEqualTo(expected.length);
        for (int j = 0; j < expected.length; j++) {
            double e = expected[j], a = out.data()[j];
            if (Math.abs(a - e) > 2e-5 * (1 + Math.abs(e))) {
                fail("%s forward: element %d of %s is %s, reference %s", name, j, out, a, e);
            }
        }

        SplittableRandom rng = new SplittableRandom(name.hashCode() * 31L + 7);
        float[] r = random(rng, out.size(), -1, 1);
        Tensor loss = out.mul(Tensor.of(r, out.shape())).sum();
        loss.backward();

        double h = 1e-6;
        for (int i = 0; i < inputs.length; i++) {
            double[] numeric = new double[dv[i].length];
            double maxAbs = 0;
            for (int j = 0; j < dv[i].length; j++) {
                double keep = dv[i][j];
                dv[i][j] = keep + h;
                double plus = dot(ref.apply(dv), r);
                dv[i][j] = keep - h;
                double minus = dot(ref.apply(dv), r);
                dv[i][j] = keep;
                numeric[j] = (plus - minus) / (2 * h);
                maxAbs = Math.max(maxAbs, Math.abs(numeric[j]));
            }
            float[] g = inputs[i].grad();
            for (int j = 0; j < numeric.length; j++) {
                double analytic = g == null ? 0 : g[j];
                double tol = 1e-3 * Math.max(Math.abs(numeric[j]), Math.max(0.05 * maxAbs, 1e-6));
                if (Math.abs(analytic - numeric[j]) > tol) {
                    fail("%s: d/d(input %d)[%d] analytic %s vs finite difference %s (tolerance %s)",
                            name, i, j, analytic, numeric[j], tol);
                }
            }
        }
    }

    static double dot(double[] a, float[] r) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * r[i];
        return s;
    }
}
