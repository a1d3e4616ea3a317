package dev.quire.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.quire.api.Parameter;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The MLP that recomputes its GELU in the backward pass gives exactly (bit for bit) the output and
 * gradients of the plain composition that keeps the GELU output.
 */
class MlpTest {

    private static final int WIDTH = 48;   // 4C = 192; [2, 7, 192] = 2,688 floats: arena-sized arrays
    private static final int BATCH = 2;
    private static final int TIME = 7;

    private static Mlp mlp(Tensor.Gelu gelu) {
        var config = new GptConfig(11, 16, 2, 4, WIDTH, true, true, gelu, 1e-5f);
        return new Mlp(config, new SplittableRandom(7));
    }

    private static Tensor input(long seed) {
        return Tensor.randn(new SplittableRandom(seed), 1f, BATCH, TIME, WIDTH).requiresGrad(true);
    }

    /** Output, then the gradients of x and of every parameter, for loss = Σ y ∘ r. */
    private static List<float[]> run(Mlp mlp, Tensor x, boolean fused) {
        for (Parameter p : mlp.parameters()) {
            p.value().zeroGrad();
        }
        x.zeroGrad();
        Tensor y = fused ? mlp.forward(x) : mlp.forwardKeepingActivations(x);
        Tensor r = Tensor.randn(new SplittableRandom(3), 1f, BATCH, TIME, WIDTH);
        List<float[]> out = new ArrayList<>();
        out.add(y.data().clone());
        y.mul(r).sum().backward();
        out.add(x.grad().clone());
        for (Parameter p : mlp.parameters()) {
            assertNotNull(p.value().grad(), p.name());
            out.add(p.value().grad().clone());
        }
        return out;
    }

    @Test
    void recomputingTheGeluGivesTheSameOutputAndGradientsBitForBit() {
        for (Tensor.Gelu gelu : Tensor.Gelu.values()) {
            Mlp mlp = mlp(gelu);
            Tensor x = input(1);
            List<float[]> plain = run(mlp, x, false);
            List<float[]> fused = run(mlp, x, true);
            for (int i = 0; i < plain.size(); i++) {
                assertArrayEquals(plain.get(i), fused.get(i), 0f, gelu + ": array " + i + " (0: output, 1: dx, then "
                        + "c_fc.weight, c_fc.bias, c_proj.weight, c_proj.bias)");
            }
        }
    }

    @Test
    void inAnArenaOverSeveralStepsTheResultsStayTheSame() {
        Mlp mlp = mlp(Tensor.Gelu.EXACT);
        Tensor x = input(2);
        List<float[]> plain = run(mlp, x, false);
        Arena arena = new Arena();
        for (int step = 0; step < 3; step++) {
            List<float[]> fused;
            // Each step reuses the arrays of the one before (dirty contents): the op must overwrite them.
            try (var scope = arena.open(true)) {
                Tensor other = input(100 + step).mul(input(200 + step)); // leaves garbage in reused arrays
                other.data()[0] += 1f;
                fused = run(mlp, x, true);
            }
            for (int i = 0; i < plain.size(); i++) {
                assertArrayEquals(plain.get(i), fused.get(i), 0f, "step " + step + ", array " + i);
            }
        }
    }

    @Test
    void theBackwardPassNeedsNoAutogradOfItsOwn() {
        // The recomputation is plain array work, so a backward pass run inside Grad.disabled() (which an
        // earlier version refused) gives the same gradients.
        Mlp mlp = mlp(Tensor.Gelu.EXACT);
        Tensor x = input(3);
        List<float[]> plain = run(mlp, x, false);
        for (Parameter p : mlp.parameters()) {
            p.value().zeroGrad();
        }
        x.zeroGrad();
        Tensor y = mlp.forward(x);
        Tensor loss = y.mul(Tensor.randn(new SplittableRandom(3), 1f, BATCH, TIME, WIDTH)).sum();
        try (var off = Grad.disabled()) {
            loss.backward();
        }
        assertArrayEquals(plain.get(1), x.grad(), 0f, "dx");
        List<Parameter> params = mlp.parameters();
        for (int i = 0; i < params.size(); i++) {
            assertArrayEquals(plain.get(2 + i), params.get(i).value().grad(), 0f, params.get(i).name());
        }
    }
}
