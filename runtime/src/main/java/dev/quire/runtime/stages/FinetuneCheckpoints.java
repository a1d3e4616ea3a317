package dev.quire.runtime.stages;

import dev.quire.model.Gpt;
import dev.quire.model.Lora;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.CheckpointException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.StoredTensor;
import dev.quire.runtime.checkpoint.proto.Header;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of the {@code finetune} stage: the fine-tuned model ({@value #MODEL_FILE}, an ordinary
 * checkpoint) and, with LoRA, the adapters alone ({@value #ADAPTERS_FILE}).
 *
 * <p>The adapters file is a checkpoint in the same format whose header is the fine-tuned model's (model
 * shape, tokenizer, components, so it says what it adapts) with {@code kind = lora-adapters} and the
 * LoRA settings in its metadata, and whose tensors are the adapters only, named
 * {@value #ADAPTER_PREFIX}{@code <parameter name>} ({@code lora/transformer.h.0.attn.c_attn.lora_A}).
 * It holds no {@code model/} tensor, so it is a few kilobytes where the model is megabytes.
 */
public final class FinetuneCheckpoints {

    /** The fine-tuned model, in the output directory. */
    public static final String MODEL_FILE = "finetune-model.pb";
    /** The LoRA adapters alone, in the output directory. */
    public static final String ADAPTERS_FILE = "finetune-adapters.pb";
    /** Name prefix of adapter tensors in {@value #ADAPTERS_FILE}. */
    public static final String ADAPTER_PREFIX = "lora/";

    private FinetuneCheckpoints() {
    }

    /** {@code output/finetune-model.pb}. */
    public static Path model(Path output) {
        return output.resolve(MODEL_FILE);
    }

    /** {@code output/finetune-adapters.pb}. */
    public static Path adapters(Path output) {
        return output.resolve(ADAPTERS_FILE);
    }

    /**
     * Writes the adapters of {@code adapters} (name to values, see {@link Lora#adapterState}) to {@code file}
     * with the header of the model checkpoint {@code modelFile} plus {@code metadata}.
     */
    public static void saveAdapters(Path file, Path modelFile, Map<String, float[]> adapters, Map<String, int[]> shapes,
                                    Map<String, String> metadata) {
        Header header = Checkpoints.readHeader(modelFile).toBuilder()
                .clearOptimizerId().clearOptimizerScalars()
                .putMetadata("kind", "lora-adapters")
                .putAllMetadata(metadata)
                .build();
        List<StoredTensor> tensors = new ArrayList<>();
        adapters.forEach((name, values) -> tensors.add(new StoredTensor(ADAPTER_PREFIX + name, shapes.get(name), values)));
        Checkpoints.write(file, header, tensors);
    }

    /**
     * The adapters stored in an adapters file, by parameter name, ready for {@link Lora#loadAdapterState}.
     *
     * @throws CheckpointException if the file is not an adapters file
     */
    public static Map<String, float[]> readAdapters(Path file) {
        Checkpoint checkpoint = Checkpoints.read(file);
        if (!"lora-adapters".equals(checkpoint.header().getMetadataMap().get("kind"))) {
            throw new CheckpointException(file + " is not a LoRA adapters file (its metadata kind is '"
                    + checkpoint.header().getMetadataMap().getOrDefault("kind", "") + "')");
        }
        Map<String, float[]> adapters = new LinkedHashMap<>();
        checkpoint.tensors().forEach((name, tensor) -> {
            if (name.startsWith(ADAPTER_PREFIX)) {
                adapters.put(name.substring(ADAPTER_PREFIX.length()), tensor.data());
            }
        });
        return adapters;
    }

    /** Copies of the adapters of {@code model} and their shapes, by parameter name. */
    static Map<String, float[]> adapterValues(Gpt model, Map<String, int[]> shapes) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Lora.adapterState(model).forEach((name, tensor) -> {
            values.put(name, tensor.data().clone());
            shapes.put(name, tensor.shape());
        });
        return values;
    }
}
