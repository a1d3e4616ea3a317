package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.Regularizer;
import java.util.List;

/**
 * The weights of the best validation loss so far, for a regularizer that puts them back when it stops a
 * run ({@link Regularizer#restoreBestOnStop()}); kept only when one may ask, so other runs pay nothing.
 * Used by {@link Trainer} (every parameter) and {@link Finetuner} (the trainable ones).
 */
final class BestWeights {

    private final List<Parameter> parameters;
    private float[][] values;
    private double loss = Double.POSITIVE_INFINITY;

    private BestWeights(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /** Keeps {@code parameters}' best weights if one of {@code regularizers} may ask for them, else nothing. */
    static BestWeights ifWanted(List<Regularizer> regularizers, List<Parameter> parameters) {
        boolean wanted = regularizers.stream().anyMatch(Regularizer::restoreBestOnStop);
        return new BestWeights(wanted ? parameters : List.of());
    }

    /** Copies the weights now if {@code validationLoss} is the lowest so far. */
    void offer(double validationLoss) {
        if (!parameters.isEmpty() && validationLoss < loss) {
            loss = validationLoss;
            values = new float[parameters.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = parameters.get(i).value().data().clone();
            }
        }
    }

    /** Takes {@code saved} (one array per parameter) as the best so far, at {@code validationLoss}. */
    void remember(double validationLoss, List<float[]> saved) {
        if (parameters.isEmpty()) {
            return;
        }
        if (saved.size() != parameters.size()) {
            throw new IllegalArgumentException("best weights: " + saved.size() + " arrays for "
                    + parameters.size() + " parameters");
        }
        float[][] copies = new float[saved.size()][];
        for (int i = 0; i < copies.length; i++) {
            int expected = parameters.get(i).value().data().length;
            if (saved.get(i).length != expected) {
                throw new IllegalArgumentException("best weights: parameter " + parameters.get(i).name() + " has "
                        + expected + " values, the saved array " + saved.get(i).length);
            }
            copies[i] = saved.get(i).clone();
        }
        values = copies;
        loss = validationLoss;
    }

    /** Puts the kept weights back, if any were kept. */
    void restore() {
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                float[] target = parameters.get(i).value().data();
                System.arraycopy(values[i], 0, target, 0, target.length);
            }
        }
    }
}
