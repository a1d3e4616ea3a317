package dev.quire.model;

/**
 * Where a {@link Trainer} stands, beyond the model's weights and the optimizer's state: with those three
 * saved at a {@link TrainerListener} call, {@link Trainer#restore} continues the run bit for bit.
 *
 * @param step     optimizer steps done
 * @param rngState the {@link Rng} state that draws the next batches and dropout masks
 */
public record TrainerState(long step, long[] rngState) {
    public TrainerState {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        rngState = rngState.clone();
    }

    @Override
    public long[] rngState() {
        return rngState.clone();
    }
}
