package dev.quire.model;

import dev.quire.tensor.Tensor;
import java.util.Objects;

/**
 * The shape of a {@link Gpt}: nanoGPT's {@code GPTConfig}.
 *
 * @param vocabSize     number of token ids, {@code V}
 * @param contextLength longest sequence the model reads (nanoGPT's {@code block_size}), {@code T}
 * @param layers        number of transformer blocks
 * @param heads         attention heads per block, {@code H}
 * @param width         embedding width, {@code C}; a multiple of {@code heads}, head width {@code D = C / H}
 * @param bias          whether linear layers and layer norms have a bias (GPT-2: yes; nanoGPT's
 *                      {@code train.py} default: no, "a bit better and faster")
 * @param tiedHead      whether the output head reuses the token embedding {@code wte} (GPT-2 and nanoGPT: yes)
 * @param gelu          GELU variant of the MLP: exact ({@code nn.GELU()}, nanoGPT) or tanh (GPT-2)
 * @param layerNormEps  epsilon of every layer norm (PyTorch default {@code 1e-5})
 */
public record GptConfig(int vocabSize, int contextLength, int layers, int heads, int width,
                        boolean bias, boolean tiedHead, Tensor.Gelu gelu, float layerNormEps) {

    public GptConfig {
        Objects.requireNonNull(gelu, "gelu");
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        positive("layers", layers);
        positive("heads", heads);
        positive("width", width);
        if (width % heads != 0) {
            throw new IllegalArgumentException("width (" + width + ") must be a multiple of heads (" + heads + ")");
        }
        if (!(layerNormEps > 0) || Float.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be a positive number, got " + layerNormEps);
        }
    }

    /**
     * nanoGPT's {@code train.py} defaults for the given size: no biases, head tied to the token
     * embedding, exact GELU, layer-norm epsilon {@code 1e-5}.
     */
    public static GptConfig nanoGpt(int vocabSize, int contextLength, int layers, int heads, int width) {
        return new GptConfig(vocabSize, contextLength, layers, heads, width, false, true, Tensor.Gelu.EXACT, 1e-5f);
    }

    /**
     * The model of nanoGPT's Shakespeare-character recipe for a CPU ({@code README.md}): 4 layers,
     * 4 heads, width 128, context 64, otherwise {@link #nanoGpt}.
     */
    public static GptConfig shakespeareCharCpu(int vocabSize) {
        return nanoGpt(vocabSize, 64, 4, 4, 128);
    }

    /** The width of one attention head, {@code D = C / H}. */
    public int headDim() {
        return width / heads;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
