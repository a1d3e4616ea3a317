package dev.quire.runtime.stages;

import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.TrainingContext;
import dev.quire.model.DataSplit;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.EvaluateOptions;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.tensor.Grad;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * The {@code evaluate} stage: the validation loss (nats per token) and bits per character of the
 * current model over the validation split, read in consecutive, non-overlapping windows of the
 * model's context length (every validation token is predicted once, unlike the trainer's sampled
 * estimate). Uses the model and data of an earlier stage of the run, or else the output directory's
 * checkpoint and the pipeline's corpus.
 */
public final class EvaluateStage implements Stage {

    private final EvaluateOptions options;
    private final PipelineConfig config;
    private final ComponentCatalog catalog;

    @Inject
    EvaluateStage(EvaluateOptions options, PipelineConfig config, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.catalog = catalog;
    }

    /**
     * The result of an evaluation.
     *
     * @param loss          mean cross-entropy per token, in nats
     * @param bitsPerChar   total bits over the characters the predicted tokens spell
     * @param tokens        tokens predicted
     * @param characters    characters those tokens spell
     */
    public record Result(double loss, double bitsPerChar, long tokens, long characters) {
    }

    @Override
    public void run(StageContext context) {
        ModelBundle bundle = context.get(ModelBundle.class)
                .orElseGet(() -> Models.fromCheckpoint(context.outputDirectory(), options.checkpoint(), catalog));
        int[] validation = context.get(DataSplit.class).map(DataSplit::validation).orElseGet(() -> {
            String text = Corpus.load(config.data());
            try {
                return DataSplit.of(bundle.tokenizer().encode(text), 1 - config.data().validationFraction()).validation();
            } catch (IllegalArgumentException e) {
                throw new QuireUserException("the model's tokenizer cannot encode corpus " + config.data().describe()
                        + ": " + e.getMessage(), e);
            }
        });
        Result result = evaluate(bundle, validation, options.batchSize(), options.maxBatches(), context);
        var record = new LinkedHashMap<String, Object>();
        record.put("step", bundle.step());
        record.put("val_loss", result.loss());
        record.put("val_bpc", result.bitsPerChar());
        record.put("val_tokens", result.tokens());
        context.metrics().record(record);
        context.say(String.format(Locale.ROOT,
                "evaluate: validation loss %.4f nats/token, %.3f bits/char over %,d tokens (%,d characters), step %d",
                result.loss(), result.bitsPerChar(), result.tokens(), result.characters(), bundle.step()));
        context.put(Result.class, result);
    }

    /** Evaluates {@code bundle}'s model on {@code tokens}. */
    @SuppressWarnings("try") // the Grad scope is used for its effect
    public static Result evaluate(ModelBundle bundle, int[] tokens, int batchSize, int maxBatches, StageContext context) {
        Gpt model = bundle.model();
        int time = model.contextLength();
        int windows = (tokens.length - 1) / time;
        if (windows == 0) {
            throw new QuireUserException("the validation split has " + tokens.length + " tokens, fewer than one window of "
                    + (time + 1));
        }
        int batches = (windows + batchSize - 1) / batchSize;
        if (maxBatches > 0) {
            batches = Math.min(batches, maxBatches);
        }
        double nats = 0;
        long count = 0;
        long characters = 0;
        var inference = new TrainingContext(false, bundle.step(), new Rng(0));
        try (var noGrad = Grad.disabled()) {
            for (int b = 0; b < batches; b++) {
                int first = b * batchSize;
                int rows = Math.min(batchSize, windows - first);
                int[] inputs = new int[rows * time];
                int[] targets = new int[rows * time];
                for (int r = 0; r < rows; r++) {
                    int offset = (first + r) * time;
                    System.arraycopy(tokens, offset, inputs, r * time, time);
                    System.arraycopy(tokens, offset + 1, targets, r * time, time);
                }
                double mean = model.loss(inputs, targets, rows, time, inference, 0f).item();
                nats += mean * targets.length;
                count += targets.length;
                String text = bundle.tokenizer().decode(targets);
                characters += text.codePointCount(0, text.length());
                context.progress().update(b + 1, batches, String.format(Locale.ROOT, "loss %.4f", nats / count));
            }
        }
        return new Result(nats / count, nats / Math.log(2) / Math.max(1, characters), count, characters);
    }
}
