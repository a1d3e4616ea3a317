package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code y = x·Wᵀ + b}, PyTorch's {@code nn.Linear}: weight {@code [out, in]}, bias {@code [out]} or
 * none. Initialized as nanoGPT does: weight normal(0, std²), bias zero.
 *
 * <p>May carry a LoRA adapter ({@link LoraAdapter}), which adds {@code (alpha/rank)·(x·Aᵀ)·Bᵀ} to the
 * output and lists its two matrices as {@code lora_A} and {@code lora_B} beside {@code weight}.
 *
 * <p>Every {@code Linear} built while a {@link Gpt} is being constructed registers with that model
 * (see {@link #collecting()}), so the model can reach its linear layers by name without each layer class
 * having to expose its sub-layers.
 */
final class Linear implements ParameterSource {

    /** The layers created on this thread since the innermost open {@link #collecting()} scope. */
    private static final ThreadLocal<List<Linear>> CREATED = new ThreadLocal<>();

    final Tensor weight; // [out, in]
    final Tensor bias;   // [out], or null
    /** The attached LoRA adapter, or null. */
    private LoraAdapter adapter;

    Linear(int in, int out, boolean bias, float std, RandomGenerator init) {
        this.weight = Parameters.normal(init, std, out, in);
        this.bias = bias ? Parameters.zeros(out) : null;
        List<Linear> created = CREATED.get();
        if (created != null) {
            created.add(this);
        }
    }

    /** Input features ({@code in}). */
    int in() {
        return weight.dim(1);
    }

    /** Output features ({@code out}). */
    int out() {
        return weight.dim(0);
    }

    /** {@code x [..., in] -> [..., out]}. */
    Tensor forward(Tensor x) {
        Tensor y = x.linear(weight, bias);                   // [..., out]
        LoraAdapter lora = adapter;
        return lora == null ? y : y.add(lora.forward(x));    // [..., out]
    }

    /** The attached adapter, or null. */
    LoraAdapter adapter() {
        return adapter;
    }

    /** Attaches {@code lora} (or detaches with null); its shape must fit this layer. */
    void adapter(LoraAdapter lora) {
        if (lora != null && (lora.in() != in() || lora.out() != out())) {
            throw new IllegalArgumentException("a LoRA adapter [" + lora.out() + " x " + lora.in()
                    + "] does not fit a linear layer [" + out() + " x " + in() + "]");
        }
        this.adapter = lora;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(4);
        list.add(new Parameter("weight", weight));
        if (bias != null) {
            list.add(new Parameter("bias", bias));
        }
        if (adapter != null) {
            list.add(new Parameter(LoraAdapter.A_NAME, adapter.a()));
            list.add(new Parameter(LoraAdapter.B_NAME, adapter.b()));
        }
        return list;
    }

    /**
     * Opens a scope in which every new {@code Linear} of this thread is recorded, in creation order.
     * Close it in a {@code try}-with-resources; scopes nest (the outer one resumes when an inner closes).
     */
    static Collecting collecting() {
        return new Collecting(CREATED.get());
    }

    /** The layers created while this scope was open; {@link #close()} restores the enclosing scope. */
    static final class Collecting implements AutoCloseable {
        private final List<Linear> outer;
        private final List<Linear> created = new ArrayList<>();

        private Collecting(List<Linear> outer) {
            this.outer = outer;
            CREATED.set(created);
        }

        /** The layers created so far in this scope. */
        List<Linear> created() {
            return List.copyOf(created);
        }

        @Override
        public void close() {
            if (outer == null) {
                CREATED.remove();
            } else {
                CREATED.set(outer);
            }
        }
    }
}
