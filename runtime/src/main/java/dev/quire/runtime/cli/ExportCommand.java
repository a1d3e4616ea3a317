package dev.quire.runtime.cli;

import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsException;
import dev.quire.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire export}: a checkpoint's weights as a safetensors file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a checkpoint's model weights as a safetensors file (F32, nanoGPT's tensor names, keys",
                "sorted, contiguous offsets), with the model configuration, tokenizer and components in its",
                "__metadata__ so that 'quire import' can make a checkpoint of it again. Optimizer state is not exported."})
final class ExportCommand implements Callable<Integer> {

    /** Metadata key of the base64 protobuf header (without tensor table and training state). */
    static final String HEADER_KEY = "quire.header";

    private final Console console;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The checkpoint to export.")
    Path checkpoint;

    @Option(names = "--safetensors", required = true, paramLabel = "OUT", description = "The safetensors file to write.")
    Path output;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars (if the checkpoint used a plugin's component).")
    Path plugins;

    ExportCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (Files.exists(output) && !force) {
            throw new QuireUserException("cannot export to " + output + ": the file exists. Pass --force to replace it.");
        }
        if (Files.isDirectory(output)) {
            throw new QuireUserException("cannot export to " + output + ": it is a directory");
        }
        Checkpoint file = Checkpoints.read(checkpoint);
        try (var components = Discovery.discover(Optional.ofNullable(plugins), BuiltinStages.entries(new StageFactory()))) {
            // Restoring checks that the weights are exactly the model's before anything is written.
            var restored = ModelCheckpoints.restore(checkpoint, file, components.catalog());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            file.arrays(ModelCheckpoints.MODEL_PREFIX).forEach((name, data) -> tensors.put(name,
                    Tensor.of(data, file.tensors().get(ModelCheckpoints.MODEL_PREFIX + name).shape())));
            Header header = file.header();
            Header portable = header.toBuilder().clearTensors().clearStep().clearRngState().clearOptimizerId()
                    .clearOptimizerScalars().build();
            var metadata = new TreeMap<String, String>();
            metadata.put("format", "pt");
            metadata.put("quire.format_version", Integer.toString(header.getFormatVersion()));
            metadata.put("quire.model", header.getModel().getOptionsJson());
            metadata.put("quire.vocab_size", Integer.toString(header.getModel().getVocabSize()));
            metadata.put("quire.step", Long.toString(header.getStep()));
            metadata.put(HEADER_KEY, Base64.getEncoder().encodeToString(portable.toByteArray()));
            try {
                Safetensors.write(output, tensors, metadata);
            } catch (SafetensorsException e) {
                throw new QuireUserException("cannot write " + output + ": " + e.getMessage(), e);
            }
            console.say(String.format(Locale.ROOT, "quire: exported %d tensors (%,d parameters) of %s to %s",
                    tensors.size(), restored.model().parameterCount(), checkpoint, output));
        }
        return 0;
    }
}
