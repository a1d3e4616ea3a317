package dev.quire.attention.standard;

import static dev.quire.api.testing.AttentionComparisons.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The probabilities, output and log-sum-exp come from the caller's arena and the backward pass's
 * score gradients from the thread's scratch pool, so they may hold anything left over from earlier
 * use: results must be bit for bit those computed in fresh (zeroed) arrays.
 */
class StandardAttentionArenaTest {

    private static final int B = 2, H = 2, KV = 1, TQ = 40, TK = 40, D = 8; // P: 6,400 floats, O: 1,280

    private final StandardAttention attention = new StandardAttention();

    /** Output, log-sum-exp, dQ, dK, dV. */
    private List<float[]> run(AttentionDropout dropout) {
        SplittableRandom random = new SplittableRandom(11);
        Tensor q = Tensor.parameter(uniform(random, B * H * TQ * D), B, H, TQ, D);
        Tensor k = Tensor.parameter(uniform(random, B * KV * TK * D), B, KV, TK, D);
        Tensor v = Tensor.parameter(uniform(random, B * KV * TK * D), B, KV, TK, D);
        Tensor g = Tensor.of(uniform(random, B * H * TQ * D), B, H, TQ, D);
        // Causal with padding: rows see different prefixes, one batch element sees only 5 keys.
        AttentionResult r = attention.forward(q, k, v, new AttentionMask(true, new int[] {TK, 5}), dropout);
        List<float[]> out = new ArrayList<>();
        out.add(r.output().data().clone());
        out.add(r.logSumExp().data().clone());
        r.output().mul(g).sum().backward();
        out.add(q.grad().clone());
        out.add(k.grad().clone());
        out.add(v.grad().clone());
        return out;
    }

    /** Leaves NaN in arrays of every length the attention asks the arena and the scratch pool for. */
    private static void dirty(Arena arena) {
        try (var scope = arena.open(true)) {
            for (int length : new int[] {B * H * TQ * TK, B * H * TQ * TK, B * H * TQ * D, B * H * TQ}) {
                Arrays.fill(Arena.resultArray(length), Float.NaN);
            }
        }
        float[] scores = Arena.scratch(B * H * TQ * TK, false);
        Arrays.fill(scores, Float.NaN);
        Arena.releaseScratch(scores);
    }

    @ParameterizedTest(name = "dropout rate {0}")
    @ValueSource(doubles = {0.0, 0.3})
    void reusedArraysGiveTheResultsOfFreshOnes(double rate) {
        AttentionDropout dropout = rate == 0 ? AttentionDropout.NONE : new AttentionDropout(rate, 5);
        List<float[]> fresh = run(dropout);
        Arena arena = new Arena();
        for (int step = 0; step < 2; step++) {
            dirty(arena);
            List<float[]> reused;
            try (var scope = arena.open(true)) {
                reused = run(dropout);
            }
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(reused.get(i)).as("step %d, array %d (output, lse, dq, dk, dv)", step, i)
                        .containsExactly(fresh.get(i));
            }
        }
    }
}
