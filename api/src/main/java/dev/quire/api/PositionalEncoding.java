package dev.quire.api;

import java.util.random.RandomGenerator;

/** The component of kind {@link ComponentKind#POSITIONAL_ENCODING}: builds the layer a model uses. */
public interface PositionalEncoding {

    /**
     * Builds a positional layer, initializing any parameters from {@code init}.
     *
     * @param maxPositions the context length: positions {@code 0 .. maxPositions-1} are valid
     * @param width        the embedding width {@code C}
     * @param headDim      the attention head width {@code D} (for encodings applied to queries and keys)
     * @param init         random source for initial parameter values
     */
    PositionalLayer build(int maxPositions, int width, int headDim, RandomGenerator init);
}
