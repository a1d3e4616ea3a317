package dev.quire.api.testing;

import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;

/**
 * Scaled dot-product attention and its gradients in float64, the textbook way (one query row at a time):
 * the value an {@link dev.quire.api.Attention} implementation is judged against. It follows the SPI's
 * conventions: {@code q [B, H, Tq, D]}, {@code k} and {@code v [B, Hkv, Tk, D]} with {@code H} a multiple
 * of {@code Hkv} (grouped-query: query head {@code h} uses key/value head {@code h / (H / Hkv)}); query
 * {@code i} sits at position {@code Tk − Tq + i}, so a causal mask lets it see keys {@code j <= Tk − Tq + i};
 * right padding keeps keys {@code j < keyLengths[b]}; a query that sees no key has output zero, log-sum-exp
 * {@code −∞} and passes no gradient. With an {@link AttentionDropout}, PyTorch's semantics:
 * {@code out = (softmax(S) ∘ M / (1 − rate))·V} with {@code M} from {@link AttentionDropout#keeps(int, int,
 * int, int)} (query head, query row, key column); the log-sum-exp stays that of the undropped scores.
 *
 * <p>Test support for attention modules, built-in or third-party, shipped in {@code quire-api}'s test jar
 * (type {@code test-jar}, scope {@code test}).
 *
 * @param out    {@code [B, H, Tq, D]}
 * @param lse    the log-sum-exp of each query's (scaled, undropped) scores, {@code [B, H, Tq]}
 * @param dq     the gradient of {@code sum(out ∘ gradOut)} with respect to {@code q}; null without {@code gradOut}
 * @param dk     likewise for {@code k}, {@code [B, Hkv, Tk, D]}; null without {@code gradOut}
 * @param dv     likewise for {@code v}; null without {@code gradOut}
 */
public record AttentionReference(double[] out, double[] lse, double[] dq, double[] dk, double[] dv) {

    /**
     * Attention of float32 inputs, computed in float64 (the inputs are widened exactly).
     *
     * @param gradOut the upstream gradient {@code [B, H, Tq, D]}, or null for the forward pass only
     * @param dropout the dropout to apply, or null (or {@link AttentionDropout#NONE}) for none
     */
    public static AttentionReference of(float[] q, float[] k, float[] v, float[] gradOut, int batch, int heads,
                                        int kvHeads, int tq, int tk, int dim, AttentionMask mask, AttentionDropout dropout) {
        return of(AttentionComparisons.toDouble(q), AttentionComparisons.toDouble(k), AttentionComparisons.toDouble(v),
                gradOut == null ? null : AttentionComparisons.toDouble(gradOut), batch, heads, kvHeads, tq, tk, dim, mask, dropout);
    }

    /**
     * Attention of float64 inputs (for finite differences: perturb one input element and call again).
     *
     * @param gradOut the upstream gradient {@code [B, H, Tq, D]}, or null for the forward pass only
     * @param dropout the dropout to apply, or null (or {@link AttentionDropout#NONE}) for none
     */
    public static AttentionReference of(double[] q, double[] k, double[] v, double[] gradOut, int batch, int heads,
                                        int kvHeads, int tq, int tk, int dim, AttentionMask mask, AttentionDropout dropout) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
        boolean causal = mask.causal();
        int[] keyLengths = mask.keyLengths();
        boolean dropping = dropout != null && dropout.active();
        double keep = dropping ? 1.0 / (1.0 - dropout.rate()) : 1;
        boolean backward = gradOut != null;
        double scale = 1.0 / Math.sqrt(dim);
        int group = heads / kvHeads;
        double[] out = new double[batch * heads * tq * dim];
        double[] lse = new double[batch * heads * tq];
        double[] dq = backward ? new double[out.length] : null;
        double[] dk = backward ? new double[batch * kvHeads * tk * dim] : null;
        double[] dv = backward ? new double[batch * kvHeads * tk * dim] : null;
        double[] p = new double[tk];
        double[] w = new double[tk];
        double[] dp = new double[tk];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int qBase = (b * heads + h) * tq * dim;
                int kBase = (b * kvHeads + h / group) * tk * dim;
                for (int i = 0; i < tq; i++) {
                    int n = tk;
                    if (causal) {
                        n = Math.min(n, tk - tq + i + 1);
                    }
                    if (keyLengths != null) {
                        n = Math.min(n, keyLengths[b]);
                    }
                    int row = (b * heads + h) * tq + i;
                    int qo = qBase + i * dim;
                    if (n <= 0) {
                        lse[row] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        int ko = kBase + j * dim;
                        for (int c = 0; c < dim; c++) {
                            s += q[qo + c] * k[ko + c];
                        }
                        p[j] = s * scale;
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    lse[row] = max + Math.log(sum);
                    double rowD = 0;
                    for (int j = 0; j < n; j++) {
                        p[j] /= sum;
                        // The dropout factor of this probability: 0 or 1 / (1 − rate); exactly 1 without dropout.
                        w[j] = !dropping ? 1 : dropout.keeps(b, h, i, j) ? keep : 0;
                        double pd = p[j] * w[j];
                        int vo = kBase + j * dim;
                        double d = 0;
                        for (int c = 0; c < dim; c++) {
                            out[qo + c] += pd * v[vo + c];
                            if (backward) {
                                d += gradOut[qo + c] * v[vo + c];
                            }
                        }
                        dp[j] = d * w[j];
                        rowD += p[j] * dp[j];
                    }
                    if (!backward) {
                        continue;
                    }
                    for (int j = 0; j < n; j++) {
                        double ds = p[j] * (dp[j] - rowD) * scale;
                        double pd = p[j] * w[j];
                        int ko = kBase + j * dim;
                        for (int c = 0; c < dim; c++) {
                            dq[qo + c] += ds * k[ko + c];
                            dk[ko + c] += ds * q[qo + c];
                            dv[ko + c] += pd * gradOut[qo + c];
                        }
                    }
                }
            }
        }
        return new AttentionReference(out, lse, dq, dk, dv);
    }
}
