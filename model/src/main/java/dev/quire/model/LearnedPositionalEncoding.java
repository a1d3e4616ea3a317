package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.PositionalLayer;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * GPT-2's positional encoding: a trained vector per position ({@code wpe}, {@code [contextLength, C]})
 * added to the token embedding. Its one parameter is named {@code weight}; a {@link Gpt} calls it
 * {@code transformer.wpe.weight}.
 */
public final class LearnedPositionalEncoding implements PositionalEncoding {

    private final float initStd;

    /** @param initStd standard deviation of the initial values (nanoGPT: 0.02) */
    public LearnedPositionalEncoding(double initStd) {
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be a positive number, got " + initStd);
        }
        this.initStd = (float) initStd;
    }

    @Override
    public PositionalLayer build(int maxPositions, int width, int headDim, RandomGenerator init) {
        Tensor weight = Parameters.normal(init, initStd, maxPositions, width); // [maxPositions, C]
        return new Layer(weight);
    }

    /** The built layer: owns the table. */
    private record Layer(Tensor weight) implements PositionalLayer {

        @Override
        public Tensor embed(Tensor tokens, int startPosition) {
            int time = checkPositions(tokens, startPosition, weight.dim(0), weight.dim(1), "learned");
            Tensor positions = weight.slice(0, startPosition, startPosition + time); // [T, C]
            return tokens.add(positions);                                          // [B, T, C]
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(new Parameter("weight", weight));
        }
    }

    /** Checks {@code tokens [B, T, C]} against a table of {@code maxPositions x width}; returns T. */
    static int checkPositions(Tensor tokens, int startPosition, int maxPositions, int width, String name) {
        if (tokens.rank() != 3 || tokens.dim(2) != width) {
            throw new IllegalArgumentException(name + " positional encoding: tokens must be [B, T, " + width + "], got "
                    + java.util.Arrays.toString(tokens.shape()));
        }
        int time = tokens.dim(1);
        if (startPosition < 0 || startPosition + time > maxPositions) {
            throw new IllegalArgumentException(name + " positional encoding: positions " + startPosition + ".."
                    + (startPosition + time - 1) + " exceed the " + maxPositions + " it was built for");
        }
        return time;
    }
}
