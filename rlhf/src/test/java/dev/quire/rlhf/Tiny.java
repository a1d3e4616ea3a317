package dev.quire.rlhf;

import dev.quire.api.AlignmentContext;
import dev.quire.api.AlignmentReward;
import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.ServiceComponents;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny models and contexts for the tests, built from the components the runtime would find. */
final class Tiny {

    private Tiny() {
    }

    static Gpt gpt(int vocab, int context, int width, long seed) {
        Attention attention = ServiceComponents.create(ComponentKind.ATTENTION, "standard", Attention.class, Map.of());
        PositionalEncoding positional = ServiceComponents.create(ComponentKind.POSITIONAL_ENCODING, "learned",
                PositionalEncoding.class, Map.of());
        return new Gpt(GptConfig.nanoGpt(vocab, context, 1, 2, width), attention, positional, List.of(), seed);
    }

    static Gpt copy(Gpt model, int vocab, int context, int width) {
        Gpt copy = gpt(vocab, context, width, 999);
        Map<String, float[]> weights = new LinkedHashMap<>();
        model.stateDict().forEach((name, tensor) -> weights.put(name, tensor.data().clone()));
        copy.loadStateDict(weights);
        return copy;
    }

    static OptimizerFactory adamw(double lr) {
        return ServiceComponents.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("lr", lr, "weightDecay", 0.0));
    }

    static AlignmentContext context(Gpt policy, Gpt reference, AlignmentReward reward, double lr) {
        return new AlignmentContext(new GptPolicy(policy), reference, policy.optimizerGroups(), adamw(lr), reward,
                new Rng(7));
    }
}
