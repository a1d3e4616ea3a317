package dev.quire.api.testing;

import static dev.quire.api.testing.AttentionComparisons.assertClose;

import dev.quire.api.Attention;
import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsFile;
import dev.quire.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The PyTorch reference {@code ../shared/reference/attention.safetensors} and the checks of an
 * {@link Attention} against it. Inputs {@code q}, {@code k}, {@code v} and {@code grad_out}, all
 * {@code [B, H, T, D] = [2, 3, 37, 16]} float32; for the cases {@code full} (no mask) and {@code causal}
 * the float64 results of {@code torch.nn.functional.scaled_dot_product_attention} and of backpropagating
 * {@code grad_out} through it: {@code expected.<case>.out}, {@code .lse}, {@code .grad_q}, {@code .grad_k},
 * {@code .grad_v}; and for {@code decode} (the last five queries against all 37 keys, causal)
 * {@code expected.decode.out}.
 *
 * <p>Test support for attention modules, built-in or third-party, shipped in {@code quire-api}'s test jar
 * (type {@code test-jar}, scope {@code test}). It reads the folder named by the system property
 * {@code quire.shared} (Quire's surefire configuration sets it), {@code ../../shared} without one. It
 * uses no test framework: a mismatch is an {@link AssertionError}.
 */
public final class AttentionCases {

    /** Batch size of the reference inputs. */
    public static final int B = 2;
    /** Heads (query and key/value) of the reference inputs. */
    public static final int H = 3;
    /** Sequence length of the reference inputs. */
    public static final int T = 37;
    /** Head width of the reference inputs. */
    public static final int D = 16;
    /** The first query position of the {@code decode} case: queries {@code 32..36} against all 37 keys. */
    public static final int DECODE_FROM = 32;

    private final SafetensorsFile file;

    private AttentionCases(SafetensorsFile file) {
        this.file = file;
    }

    /** Opens the reference file (its tensors are read on demand). */
    public static AttentionCases load() {
        String shared = System.getProperty("quire.shared", "../../shared");
        return new AttentionCases(Safetensors.open(Path.of(shared, "reference", "attention.safetensors")));
    }

    /** A float32 tensor's values by name ({@code q}, {@code k}, {@code v}, {@code grad_out}). */
    public float[] f32(String name) {
        return file.f32(name);
    }

    /** A float64 tensor's values by name ({@code expected.<case>.<what>}). */
    public double[] f64(String name) {
        return file.f64(name);
    }

    /** {@link #check(Attention, AttentionMask, String) check(attention, AttentionMask.NONE, "full")}. */
    public void checkFull(Attention attention) {
        check(attention, AttentionMask.NONE, "full");
    }

    /** {@link #check(Attention, AttentionMask, String) check(attention, AttentionMask.CAUSAL, "causal")}. */
    public void checkCausal(Attention attention) {
        check(attention, AttentionMask.CAUSAL, "causal");
    }

    /**
     * Runs {@code attention} forward on the reference inputs with {@code mask}, backpropagates
     * {@code grad_out} (through {@code sum(out ∘ grad_out)}) and asserts the shapes of output and
     * log-sum-exp, output and log-sum-exp within 1e-5 and the three gradients within 2e-5 of the case
     * {@code name}'s expected values.
     */
    public void check(Attention attention, AttentionMask mask, String name) {
        Tensor q = Tensor.parameter(f32("q"), B, H, T, D);
        Tensor k = Tensor.parameter(f32("k"), B, H, T, D);
        Tensor v = Tensor.parameter(f32("v"), B, H, T, D);
        Tensor gradOut = Tensor.of(f32("grad_out"), B, H, T, D);

        AttentionResult result = attention.forward(q, k, v, mask);
        // d(sum(out ∘ G))/d(out) = G: backpropagates exactly grad_out.
        result.output().mul(gradOut).sum().backward();

        String prefix = "expected." + name + ".";
        assertShape(result.output(), name + " out", B, H, T, D);
        assertShape(result.logSumExp(), name + " lse", B, H, T);
        assertClose(result.output().data(), f64(prefix + "out"), 1e-5, name + " out");
        assertClose(result.logSumExp().data(), f64(prefix + "lse"), 1e-5, name + " lse");
        assertClose(q.grad(), f64(prefix + "grad_q"), 2e-5, name + " grad q");
        assertClose(k.grad(), f64(prefix + "grad_k"), 2e-5, name + " grad k");
        assertClose(v.grad(), f64(prefix + "grad_v"), 2e-5, name + " grad v");
    }

    /**
     * The {@code decode} case: queries at positions {@code 32..36} against a cache of all 37 keys, causal
     * (offset {@code Tk − Tq = 32}). Asserts the output's shape, the output within 1e-5 of
     * {@code expected.decode.out} and the log-sum-exp within 1e-5 of the same rows of
     * {@code expected.causal.lse}.
     */
    public void checkDecode(Attention attention) {
        int n = T - DECODE_FROM;
        Tensor q = Tensor.of(f32("q"), B, H, T, D).slice(2, DECODE_FROM, T);
        Tensor k = Tensor.of(f32("k"), B, H, T, D);
        Tensor v = Tensor.of(f32("v"), B, H, T, D);

        AttentionResult result = attention.forward(q, k, v, AttentionMask.CAUSAL);

        assertShape(result.output(), "decode out", B, H, n, D);
        assertClose(result.output().data(), f64("expected.decode.out"), 1e-5, "decode out");
        // The log-sum-exp of those queries is that of the same rows of full causal attention.
        double[] causalLse = f64("expected.causal.lse");
        double[] expectedLse = new double[B * H * n];
        for (int bh = 0; bh < B * H; bh++) {
            System.arraycopy(causalLse, bh * T + DECODE_FROM, expectedLse, bh * n, n);
        }
        assertClose(result.logSumExp().data(), expectedLse, 1e-5, "decode lse");
    }

    /**
     * A probe of the dropout mask an attention applies: the output with {@code q = 0} (so each of the
     * {@code n} visible keys gets probability {@code 1/n}), the given keys, and {@code v} the identity per
     * key/value head ({@code D = Tk}). Row {@code i} of the output is then query {@code i}'s dropped
     * probability row, {@code out[b, h, i, j] = M(b, h, i, j)·keepScale/n} for visible {@code j}, else 0.
     *
     * @param keys the key values, {@code [batch, kvHeads, tk, tk]}
     */
    public static float[] identityProbe(Attention attention, int batch, int heads, int kvHeads, int tq, int tk,
                                        AttentionMask mask, AttentionDropout dropout, float[] keys) {
        Tensor q = Tensor.zeros(batch, heads, tq, tk);
        Tensor k = Tensor.of(keys, batch, kvHeads, tk, tk);
        float[] identity = new float[batch * kvHeads * tk * tk];
        for (int bg = 0; bg < batch * kvHeads; bg++) {
            for (int j = 0; j < tk; j++) {
                identity[(bg * tk + j) * tk + j] = 1f;
            }
        }
        Tensor v = Tensor.of(identity, batch, kvHeads, tk, tk);
        return attention.forward(q, k, v, mask, dropout).output().data();
    }

    private static void assertShape(Tensor tensor, String what, int... expected) {
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw new AssertionError(what + ": expected shape " + Arrays.toString(expected) + " but got "
                    + Arrays.toString(tensor.shape()));
        }
    }
}
