package dev.quire.model;

import dev.quire.api.LearningRateSchedule;
import dev.quire.api.MetricsSink;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ProgressListener;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Supervised fine-tuning: trains a {@link Gpt} on prompt/completion examples with the loss on the
 * completion tokens only, one step at a time:
 * <ol>
 *   <li>set the learning rate from the schedule;</li>
 *   <li>take the next {@code batchSize} examples of a seeded shuffle of the training split (a new shuffle
 *       each epoch) and pack them, right-padded ({@link PromptCompletionBatch});</li>
 *   <li>forward, mean cross-entropy over the batch's completion tokens (plus any regularizer penalty),
 *       backward;</li>
 *   <li>regularizers' gradient hooks, clipping of the global gradient norm, optimizer step;</li>
 *   <li>every {@code evalInterval} steps and after the last: the completion loss of both splits.</li>
 * </ol>
 * Only what the optimizer was given moves: build it over {@link Gpt#optimizerGroups()} after freezing
 * ({@link Freezing}) or attaching adapters ({@link Lora}), and frozen tensors get no gradient at all.
 * The same seed, data and initial weights give the same run. An early-stopping regularizer ends the
 * run at a measurement, as in {@link Trainer}, but the weights are not rolled back to the best one
 * (fine-tuning runs are short; the stage saves the last weights). Not thread-safe.
 */
public final class Finetuner {

    private final Gpt model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final FinetuneConfig config;
    private final FinetuneData data;
    private final List<FinetuneListener> listeners = new ArrayList<>();
    private ProgressListener progress = ProgressListener.NONE;
    private MetricsSink metrics = MetricsSink.NONE;
    private final Rng rng;
    /** This epoch's order of the training examples, and how many of it have been used. */
    private int[] order;
    private int next;
    private long step;

    /**
     * @param model     the model to fine-tune (its regularizers' hooks are applied too)
     * @param optimizer an optimizer over {@link Gpt#optimizerGroups()}
     * @param schedule  the learning rate of each step, from {@link FinetuneConfig#learningRate()}
     * @param config    steps, batch size, evaluation, clipping, seed
     * @param data      encoded training and validation examples
     * @throws IllegalArgumentException if an example does not fit the model, or nothing is trainable
     */
    public Finetuner(Gpt model, Optimizer optimizer, LearningRateSchedule schedule, FinetuneConfig config,
                     FinetuneData data) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.config = Objects.requireNonNull(config, "config");
        this.data = Objects.requireNonNull(data, "data");
        if (model.trainableParameters().isEmpty()) {
            throw new IllegalArgumentException("every parameter of the model is frozen: there is nothing to fine-tune");
        }
        check("training", data.train());
        check("validation", data.validation());
        schedule.validate(config.steps());
        this.rng = new Rng(config.seed());
    }

    private void check(String split, List<PromptCompletionTokens> examples) {
        for (PromptCompletionTokens example : examples) {
            if (example.length() - 1 > model.contextLength()) {
                throw new IllegalArgumentException(example.origin() + " (" + split + "): " + example.length()
                        + " tokens, but the model's context of " + model.contextLength() + " takes at most "
                        + (model.contextLength() + 1) + "; encode with PromptCompletionTokens.encode to truncate");
            }
            for (int i = 0; i < example.length(); i++) {
                if (example.token(i) < 0 || example.token(i) >= model.vocabSize()) {
                    throw new IllegalArgumentException(example.origin() + " (" + split + "): token " + example.token(i)
                            + " is outside the model's vocabulary [0, " + model.vocabSize() + ")");
                }
            }
        }
    }

    /** Adds a listener; returns this. */
    public Finetuner addListener(FinetuneListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Where to report each step's progress; returns this. */
    public Finetuner progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "progress");
        return this;
    }

    /** Where to send one metrics record per step and per evaluation; returns this. */
    public Finetuner metrics(MetricsSink sink) {
        this.metrics = Objects.requireNonNull(sink, "metrics");
        return this;
    }

    /** The model being fine-tuned. */
    public Gpt model() {
        return model;
    }

    /** The optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Steps done so far. */
    public long step() {
        return step;
    }

    /**
     * Trains to {@link FinetuneConfig#steps()}, or until a regularizer stops it.
     *
     * @return how the run ended ({@code lastEvaluation} holds the completion losses)
     * @throws IllegalStateException if the loss stops being a finite number
     */
    public TrainingResult run() {
        long started = System.nanoTime();
        EvalReport last = null;
        // Only the trainable parameters change, so only they are kept for a restoreBest stop.
        BestWeights best = BestWeights.ifWanted(model.regularizers(), model.trainableParameters());
        while (step < config.steps()) {
            StepReport report = trainStep(started);
            metrics.record(report.toMetrics());
            progress.update(step, config.steps(), String.format(Locale.ROOT, "loss %.4f", report.loss()));
            for (FinetuneListener listener : listeners) {
                listener.afterStep(this, report);
            }
            if (step % config.evalInterval() == 0 || step == config.steps()) {
                last = evaluate();
                metrics.record(last.toMetrics());
                boolean stop = false;
                for (Regularizer regularizer : model.regularizers()) {
                    stop |= regularizer.afterValidation(step, last.validationLoss()) == Regularizer.Verdict.STOP;
                }
                best.offer(last.validationLoss());
                for (FinetuneListener listener : listeners) {
                    listener.afterEval(this, last);
                }
                if (stop) {
                    best.restore();
                    return new TrainingResult(step, last, step < config.steps());
                }
            }
        }
        return new TrainingResult(step, last, false);
    }

    private StepReport trainStep(long runStarted) {
        long t0 = System.nanoTime();
        double lr = schedule.learningRate(step, config.steps(), config.learningRate());
        optimizer.setLearningRate(lr);
        optimizer.zeroGrad();

        PromptCompletionBatch batch = PromptCompletionBatch.pack(nextExamples(), 0);
        TrainingContext context = new TrainingContext(true, step, rng);
        Tensor loss = model.loss(batch.inputs(), batch.targets(), batch.batch(), batch.time(), context,
                config.labelSmoothing());
        if (!Float.isFinite(loss.item())) {
            throw new IllegalStateException("fine-tuning loss is " + loss.item() + " at step " + step
                    + " (learning rate " + lr + "); lower the learning rate or enable gradient clipping");
        }
        List<Parameter> trainable = model.trainableParameters();
        Tensor objective = loss;
        for (Regularizer regularizer : model.regularizers()) {
            Tensor penalty = regularizer.penalty(trainable);
            if (penalty != null) {
                objective = objective.add(penalty);
            }
        }
        objective.backward();
        for (Regularizer regularizer : model.regularizers()) {
            regularizer.beforeStep(trainable);
        }
        double gradNorm = Trainer.clipGradients(trainable, config.gradClip());
        optimizer.step();
        step++;

        long now = System.nanoTime();
        double seconds = Math.max(now - t0, 1) / 1e9;
        return new StepReport(step, loss.item(), lr, gradNorm, (double) batch.batch() * batch.time() / seconds,
                (now - runStarted) / 1_000_000);
    }

    /** The next {@code batchSize} training examples of this epoch's shuffle, reshuffling when it runs out. */
    private List<PromptCompletionTokens> nextExamples() {
        List<PromptCompletionTokens> train = data.train();
        List<PromptCompletionTokens> picked = new ArrayList<>(config.batchSize());
        while (picked.size() < config.batchSize()) {
            if (order == null || next == order.length) {
                order = new int[train.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                for (int i = order.length - 1; i > 0; i--) {   // Fisher-Yates
                    int j = rng.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
                next = 0;
            }
            picked.add(train.get(order[next++]));
        }
        return picked;
    }

    /**
     * The completion loss of both splits: the mean cross-entropy per completion token over the first
     * {@link FinetuneConfig#evalExamples()} examples of each, without dropout, gradients or label smoothing.
     */
    public EvalReport evaluate() {
        try (var noGrad = Grad.disabled()) {
            return new EvalReport(step, completionLoss(data.train()), completionLoss(data.validation()));
        }
    }

    /**
     * The mean cross-entropy per completion token of {@code model} over {@code examples}, in batches of
     * {@code batchSize} (padding changes nothing: see {@link PromptCompletionBatch}). Call under
     * {@link Grad#disabled()} unless gradients are wanted.
     */
    public static double completionLoss(Gpt model, List<PromptCompletionTokens> examples, int batchSize) {
        double sum = 0;
        long count = 0;
        TrainingContext context = new TrainingContext(false, 0, new Rng(0));
        for (int start = 0; start < examples.size(); start += batchSize) {
            PromptCompletionBatch batch = PromptCompletionBatch.pack(
                    examples.subList(start, Math.min(start + batchSize, examples.size())), 0);
            int targets = batch.targetCount();
            // The loss is the mean over this batch's targets: weight it by their number for a mean per token.
            sum += (double) model.loss(batch.inputs(), batch.targets(), batch.batch(), batch.time(), context, 0f).item()
                    * targets;
            count += targets;
        }
        return sum / count;
    }

    private double completionLoss(List<PromptCompletionTokens> examples) {
        return completionLoss(model, examples.subList(0, Math.min(config.evalExamples(), examples.size())),
                config.batchSize());
    }
}
