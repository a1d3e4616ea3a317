package dev.quire.model;

import java.util.List;
import java.util.Map;

/**
 * Where a {@link Trainer} stands, beyond the model's weights and the optimizer's state: with those three
 * saved at a {@link TrainerListener} call, {@link Trainer#restore} continues the run bit for bit.
 *
 * @param step         optimizer steps done
 * @param rngState     the {@link Rng} state that draws the next batches and dropout masks
 * @param regularizers each of the model's regularizers' {@link dev.quire.api.Regularizer#state()}, in
 *                     the model's order (empty maps for those that keep none)
 */
public record TrainerState(long step, long[] rngState, List<Map<String, Double>> regularizers) {
    public TrainerState {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        rngState = rngState.clone();
        regularizers = regularizers.stream().map(Map::copyOf).toList();
    }

    /** A state with no regularizer state (none kept, or none saved). */
    public TrainerState(long step, long[] rngState) {
        this(step, rngState, List.of());
    }

    @Override
    public long[] rngState() {
        return rngState.clone();
    }
}
