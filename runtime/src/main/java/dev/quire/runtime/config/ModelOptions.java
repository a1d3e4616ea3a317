package dev.quire.runtime.config;

import dev.quire.model.GptConfig;
import dev.quire.tensor.Tensor;
import java.util.Objects;

/**
 * The {@code model:} section of a pipeline file: the shape of the GPT (its vocabulary size comes from
 * the tokenizer). Attention and positional encoding are component blocks inside the same section.
 *
 * @param layers       transformer blocks
 * @param heads        attention heads per block
 * @param width        embedding width, a multiple of {@code heads}
 * @param context      longest sequence the model reads (nanoGPT's {@code block_size})
 * @param bias         biases in linear layers and layer norms
 * @param tiedHead     output head shares the token embedding
 * @param gelu         {@code exact} or {@code tanh}
 * @param layerNormEps layer-norm epsilon
 */
public record ModelOptions(int layers, int heads, int width, int context, boolean bias, boolean tiedHead,
                           Tensor.Gelu gelu, float layerNormEps) {

    /** nanoGPT's Shakespeare-character model for a CPU: 4 layers, 4 heads, width 128, context 64. */
    public static final ModelOptions DEFAULTS = new ModelOptions(4, 4, 128, 64, false, true, Tensor.Gelu.EXACT, 1e-5f);

    public ModelOptions {
        Objects.requireNonNull(gelu, "gelu");
        // GptConfig checks everything but the vocabulary, which the tokenizer decides later.
        toGptConfig(1, layers, heads, width, context, bias, tiedHead, gelu, layerNormEps);
    }

    /** The model configuration for a vocabulary of {@code vocabSize} tokens. */
    public GptConfig toGptConfig(int vocabSize) {
        return toGptConfig(vocabSize, layers, heads, width, context, bias, tiedHead, gelu, layerNormEps);
    }

    private static GptConfig toGptConfig(int vocabSize, int layers, int heads, int width, int context, boolean bias,
                                         boolean tiedHead, Tensor.Gelu gelu, float layerNormEps) {
        return new GptConfig(vocabSize, context, layers, heads, width, bias, tiedHead, gelu, layerNormEps);
    }

    /** The options of an existing model configuration (its vocabulary size aside). */
    public static ModelOptions of(GptConfig config) {
        return new ModelOptions(config.layers(), config.heads(), config.width(), config.contextLength(), config.bias(),
                config.tiedHead(), config.gelu(), config.layerNormEps());
    }
}
