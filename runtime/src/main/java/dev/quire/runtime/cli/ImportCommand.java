package dev.quire.runtime.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.quire.api.ProgressListener;
import dev.quire.api.Parameter;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.model.Gpt;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.CheckpointException;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.checkpoint.StoredTensor;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.config.PipelineParser.Overrides;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.PipelineRunner;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.runtime.stages.Corpus;
import dev.quire.runtime.stages.Models;
import dev.quire.tensor.Safetensors;
import dev.quire.tensor.SafetensorsException;
import dev.quire.tensor.SafetensorsFile;
import dev.quire.tensor.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire import}: a checkpoint of the weights in a safetensors file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Make a checkpoint of the model weights in a safetensors file (F32, nanoGPT's tensor names).",
                "A file written by 'quire export' needs nothing else; any other needs --config: a pipeline file whose",
                "model, attention, positional encoding and tokenizer (trained on its data) describe the weights.",
                "The checkpoint has no optimizer or trainer state: it can be sampled, evaluated and exported, not resumed."})
final class ImportCommand implements Callable<Integer> {

    private final Console console;

    @Option(names = "--safetensors", required = true, paramLabel = "IN", description = "The safetensors file to read.")
    Path input;

    @Option(names = "--checkpoint", required = true, paramLabel = "OUT", description = "The checkpoint to write.")
    Path output;

    @Option(names = "--config", paramLabel = "PIPELINE", description = "A pipeline file describing the model (required unless IN was written by 'quire export').")
    Path config;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars.")
    Path plugins;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    ImportCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        if (Files.exists(output) && !force) {
            throw new QuireUserException("cannot import to " + output + ": the file exists. Pass --force to replace it.");
        }
        if (Files.isDirectory(output)) {
            throw new QuireUserException("cannot import to " + output + ": it is a directory");
        }
        if (!Files.isRegularFile(input)) {
            throw new QuireUserException("safetensors file " + input + " does not exist (looked at "
                    + input.toAbsolutePath().normalize() + ")");
        }
        SafetensorsFile file;
        try {
            file = Safetensors.open(input);
        } catch (SafetensorsException e) {
            throw new QuireUserException("cannot import " + input + ": " + e.getMessage(), e);
        }
        String headerText = file.metadata().get(ExportCommand.HEADER_KEY);
        int count;
        if (config != null) {
            count = fromPipeline(file);
        } else if (headerText != null) {
            count = fromExport(file, headerText);
        } else {
            throw new QuireUserException("cannot import " + input + ": it was not written by 'quire export' (no "
                    + ExportCommand.HEADER_KEY + " in its metadata), so --config PIPELINE must say which model, "
                    + "components and tokenizer its weights belong to");
        }
        console.say(String.format(Locale.ROOT, "quire: imported %d tensors of %s into %s", count, input, output));
        return 0;
    }

    /** Every tensor of the file as float32, refusing other dtypes. */
    private Map<String, StoredTensor> weights(SafetensorsFile file) {
        var out = new LinkedHashMap<String, StoredTensor>();
        try {
            for (String name : file.names()) {
                TensorInfo info = file.info(name);
                if (!"F32".equals(info.dtype())) {
                    throw new QuireUserException("cannot import " + input + ": tensor " + name + " is " + info.dtype()
                            + "; only F32 is imported (convert it first, so that nothing is rounded silently)");
                }
                out.put(ModelCheckpoints.MODEL_PREFIX + name, new StoredTensor(ModelCheckpoints.MODEL_PREFIX + name, info.shape(), file.f32(name)));
            }
        } catch (SafetensorsException e) {
            throw new QuireUserException("cannot import " + input + ": " + e.getMessage(), e);
        }
        return out;
    }

    private int fromExport(SafetensorsFile file, String headerText) {
        Header header;
        try {
            header = Header.parseFrom(Base64.getDecoder().decode(headerText));
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new QuireUserException("cannot import " + input + ": its " + ExportCommand.HEADER_KEY
                    + " metadata is not a Quire header: " + e.getMessage(), e);
        }
        var tensors = weights(file);
        header = header.toBuilder().putMetadata("kind", "imported").putMetadata("source", input.getFileName().toString())
                .build();
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoints.inMemory(header, tensors.values());
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("cannot import " + input + ": " + e.getMessage(), e);
        }
        try (var components = Discovery.discover(Optional.ofNullable(plugins), BuiltinStages.entries(new StageFactory()))) {
            ModelCheckpoints.restore(input, checkpoint, components.catalog()); // every check, before writing
        }
        Checkpoints.write(output, checkpoint.header(), checkpoint.tensors().values());
        return tensors.size();
    }

    private int fromPipeline(SafetensorsFile file) {
        var tensors = weights(file);
        try (var loaded = PipelineRunner.load(config, new Overrides(Optional.ofNullable(plugins), Optional.empty()))) {
            PipelineConfig pipeline = loaded.config();
            ComponentCatalog catalog = loaded.components().catalog();
            StoredTensor wte = tensors.get(ModelCheckpoints.MODEL_PREFIX + "transformer.wte.weight");
            if (wte == null || wte.shape().length != 2) {
                throw new QuireUserException("cannot import " + input + ": it has no 2-D tensor transformer.wte.weight "
                        + "(the token embedding, [vocabulary, width]) to take the vocabulary from");
            }
            int vocab = wte.shape()[0];
            String text = Corpus.load(pipeline.data());
            Tokenizer tokenizer;
            try {
                tokenizer = ((TokenizerFactory) Models.create(catalog, pipeline.tokenizer())).trainer()
                        .train(Corpus.documents(text), ProgressListener.NONE);
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("tokenizer '" + pipeline.tokenizer().id() + "' cannot be trained on "
                        + pipeline.data().describe() + ": " + e.getMessage(), e);
            }
            if (tokenizer.vocabSize() != vocab) {
                throw new QuireUserException("cannot import " + input + ": the tokenizer of " + config + " has "
                        + tokenizer.vocabSize() + " tokens but transformer.wte.weight has " + vocab + " rows");
            }
            Gpt model;
            try {
                model = Models.build(pipeline, catalog, vocab);
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("cannot import " + input + ": " + e.getMessage(), e);
            }
            check(model, tensors);
            var weights = new LinkedHashMap<String, float[]>();
            for (Parameter p : model.parameters()) {
                weights.put(p.name(), tensors.get(ModelCheckpoints.MODEL_PREFIX + p.name()).data());
            }
            model.loadStateDict(weights);
            ModelCheckpoints.save(output, new ModelCheckpoints.Snapshot(model, pipeline.model(), tokenizer,
                    pipeline.components(), null, null, 0, Double.NaN, -1,
                    Map.of("kind", "imported", "source", input.getFileName().toString(),
                            "pipeline", String.valueOf(config.getFileName()))));
            return model.parameters().size();
        }
    }

    /** The file's tensors must be exactly the model's parameters (a tied lm_head equal to the embedding aside). */
    private void check(Gpt model, Map<String, StoredTensor> tensors) {
        var problems = new ArrayList<String>();
        var names = new TreeSet<String>();
        for (Parameter p : model.parameters()) {
            names.add(p.name());
            StoredTensor t = tensors.get(ModelCheckpoints.MODEL_PREFIX + p.name());
            if (t == null) {
                problems.add("missing " + p.name() + " " + Arrays.toString(p.value().shape()));
            } else if (!Arrays.equals(t.shape(), p.value().shape())) {
                problems.add(p.name() + " has shape " + Arrays.toString(t.shape()) + ", the model needs "
                        + Arrays.toString(p.value().shape()));
            }
        }
        List<String> extra = new ArrayList<>();
        for (var entry : new LinkedHashMap<>(tensors).entrySet()) {
            String name = entry.getKey().substring(ModelCheckpoints.MODEL_PREFIX.length());
            if (names.contains(name)) {
                continue;
            }
            StoredTensor wte = tensors.get(ModelCheckpoints.MODEL_PREFIX + "transformer.wte.weight");
            if (name.equals("lm_head.weight") && model.config().tiedHead() && wte != null
                    && Arrays.equals(entry.getValue().data(), wte.data())) {
                tensors.remove(entry.getKey()); // nanoGPT's state_dict repeats the tied embedding
                continue;
            }
            extra.add(name);
        }
        if (!extra.isEmpty()) {
            problems.add("tensors that are not parameters of the model: " + (extra.size() <= 8 ? extra
                    : extra.subList(0, 8) + " and " + (extra.size() - 8) + " more"));
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("cannot import " + input + " with the model of " + config + ": "
                    + String.join("; ", problems));
        }
    }
}
