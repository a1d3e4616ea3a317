package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.PositionalLayer;
import dev.quire.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The fixed encoding of "Attention Is All You Need" (Vaswani et al., 2017), added to the token
 * embedding: {@code PE(pos, 2i) = sin(pos / base^(2i/C))}, {@code PE(pos, 2i+1) = cos(pos / base^(2i/C))}.
 * Each pair of dimensions is a rotation at its own frequency, so a fixed offset is a linear map
 * between positions. No parameters.
 */
public final class SinusoidalPositionalEncoding implements PositionalEncoding {

    private final double base;

    /** @param base the wavelength base (the paper: 10000) */
    public SinusoidalPositionalEncoding(double base) {
        if (!(base > 1) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("base must be a number > 1, got " + base);
        }
        this.base = base;
    }

    @Override
    public PositionalLayer build(int maxPositions, int width, int headDim, RandomGenerator init) {
        float[] table = new float[maxPositions * width]; // [maxPositions, C]
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < width; i += 2) {
                double angle = pos / Math.pow(base, (double) i / width);
                table[pos * width + i] = (float) Math.sin(angle);
                if (i + 1 < width) {
                    table[pos * width + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return new Layer(Tensor.of(table, maxPositions, width));
    }

    /** The built layer: a constant table. */
    private record Layer(Tensor table) implements PositionalLayer {

        @Override
        public Tensor embed(Tensor tokens, int startPosition) {
            int time = LearnedPositionalEncoding.checkPositions(tokens, startPosition, table.dim(0), table.dim(1),
                    "sinusoidal");
            return tokens.add(table.slice(0, startPosition, startPosition + time)); // [B, T, C] + [T, C]
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }
    }
}
