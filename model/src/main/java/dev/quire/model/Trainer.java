package dev.quire.model;

import dev.quire.api.LearningRateSchedule;
import dev.quire.api.MetricsSink;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.ProgressListener;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The training loop of nanoGPT's {@code train.py}, one step at a time:
 * <ol>
 *   <li>set the learning rate from the schedule;</li>
 *   <li>draw a batch: {@code batchSize} random windows of the training tokens, targets shifted by one;</li>
 *   <li>forward, loss (plus any regularizer penalty), backward; with {@code gradAccumulation} k &gt; 1,
 *       k micro-batches in turn, each loss scaled by 1/k, gradients summed;</li>
 *   <li>regularizers' gradient hooks, then clipping of the global gradient norm;</li>
 *   <li>optimizer step;</li>
 *   <li>every {@code evalInterval} steps and after the last: estimate the train and validation loss.</li>
 * </ol>
 *
 * <p>Deterministic: batches and dropout come from one {@link Rng} seeded by the configuration, and
 * evaluations draw from a generator of their own (re-seeded for every evaluation, so each one reads the
 * same batches and does not disturb training). The same seed, configuration, data and initial weights
 * give the same losses on every run; {@link #state()} with the model's and optimizer's state resumes
 * a run exactly.
 *
 * <p>Not thread-safe; listeners are called on the thread that runs {@link #run()}.
 */
public final class Trainer {

    /** Mixed into the seed for evaluation batches, so that they differ from the training batches. */
    private static final long EVAL_SALT = 0x5DEECE66DL;

    private final Gpt model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final TrainingConfig config;
    private final DataSplit data;
    private final List<Parameter> parameters;
    private final List<TrainerListener> listeners = new ArrayList<>();
    private ProgressListener progress = ProgressListener.NONE;
    private MetricsSink metrics = MetricsSink.NONE;
    private Rng rng;
    private long step;
    /** The weights of the best validation loss, kept when a regularizer may ask for them; made on first use. */
    private BestWeights bestWeights;

    /**
     * @param model     the model to train (its regularizers' hooks are applied here too)
     * @param optimizer an optimizer over the model's parameters (see {@link Gpt#optimizerGroups()})
     * @param schedule  the learning rate of each step, from {@link TrainingConfig#learningRate()}
     * @param config    steps, batch shape, evaluation, clipping, seed
     * @param data      the token ids to train and validate on
     * @throws IllegalArgumentException if the configuration does not fit the model or the data
     */
    public Trainer(Gpt model, Optimizer optimizer, LearningRateSchedule schedule, TrainingConfig config, DataSplit data) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.config = Objects.requireNonNull(config, "config");
        this.data = Objects.requireNonNull(data, "data");
        if (config.contextLength() > model.contextLength()) {
            throw new IllegalArgumentException("training contextLength " + config.contextLength()
                    + " exceeds the model's context length " + model.contextLength());
        }
        checkSplit("train", data.train());
        checkSplit("validation", data.validation());
        schedule.validate(config.steps());
        this.parameters = model.parameters();
        this.rng = new Rng(config.seed());
    }

    private void checkSplit(String name, int[] tokens) {
        if (tokens.length <= config.contextLength()) {
            throw new IllegalArgumentException("the " + name + " split has " + tokens.length
                    + " tokens; a batch window needs more than contextLength = " + config.contextLength());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= model.vocabSize()) {
                throw new IllegalArgumentException("the " + name + " split has token " + tokens[i] + " at index " + i
                        + ", outside the model's vocabulary [0, " + model.vocabSize() + ")");
            }
        }
    }

    /** Adds a listener (checkpointing, logging); returns this. */
    public Trainer addListener(TrainerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Where to report each step's progress; returns this. */
    public Trainer progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "progress");
        return this;
    }

    /** Where to send one metrics record per step and per evaluation; returns this. */
    public Trainer metrics(MetricsSink sink) {
        this.metrics = Objects.requireNonNull(sink, "metrics");
        return this;
    }

    /** The model being trained. */
    public Gpt model() {
        return model;
    }

    /** The optimizer (its {@link Optimizer#state()} belongs in a checkpoint). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The configuration. */
    public TrainingConfig config() {
        return config;
    }

    /** Steps done so far. */
    public long step() {
        return step;
    }

    /**
     * The step counter, random state and the regularizers' state; with the model's and optimizer's state,
     * all a resume needs.
     */
    public TrainerState state() {
        return new TrainerState(step, rng.state(), model.regularizers().stream().map(Regularizer::state).toList());
    }

    /**
     * Continues from a saved state. Restore the model's weights and the optimizer's state alongside.
     *
     * @throws IllegalArgumentException if the state is past the configured number of steps, or a
     *                                  regularizer's saved state is not one it writes
     */
    public void restore(TrainerState state) {
        if (state.step() > config.steps()) {
            throw new IllegalArgumentException("saved step " + state.step() + " is past this run's " + config.steps()
                    + " steps");
        }
        List<Regularizer> regularizers = model.regularizers();
        if (state.regularizers().size() > regularizers.size()) {
            throw new IllegalArgumentException("it holds state for regularizer " + (state.regularizers().size() - 1)
                    + " (counting from 0), but this model has " + regularizers.size() + " regularizer"
                    + (regularizers.size() == 1 ? "" : "s") + "; resume with the regularizers it was saved with");
        }
        for (int i = 0; i < state.regularizers().size(); i++) {
            Map<String, Double> saved = state.regularizers().get(i);
            if (!saved.isEmpty()) {
                try {
                    regularizers.get(i).restoreState(saved);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("regularizer " + i + " (" + regularizers.get(i) + "): "
                            + e.getMessage(), e);
                }
            }
        }
        this.rng = Rng.restored(state.rngState());
        this.step = state.step();
    }

    /**
     * Gives a resumed run the weights of the best validation loss the saved run had reached (those of
     * its best checkpoint), so that a regularizer stopping it puts them back unless a better one comes;
     * without it, the best weights are those since the resume. Ignored when no regularizer asks for
     * best weights.
     *
     * @param values one array per {@link Gpt#parameters()} entry, in that order, each of its size (copied)
     * @throws IllegalArgumentException if the arrays do not match the parameters
     */
    public void rememberBest(double validationLoss, List<float[]> values) {
        bestWeights().remember(validationLoss, values);
    }

    private BestWeights bestWeights() {
        if (bestWeights == null) {
            bestWeights = BestWeights.ifWanted(model.regularizers(), model.parameters());
        }
        return bestWeights;
    }

    /**
     * Trains from the current step to {@link TrainingConfig#steps()}, or until a regularizer stops it.
     *
     * @return how the run ended
     * @throws IllegalStateException if the loss stops being a finite number
     */
    public TrainingResult run() {
        long started = System.nanoTime();
        EvalReport last = null;
        BestWeights best = bestWeights();
        while (step < config.steps()) {
            StepReport report = trainStep(started);
            metrics.record(report.toMetrics());
            progress.update(step, config.steps(), String.format(Locale.ROOT, "loss %.4f", report.loss()));
            for (TrainerListener listener : listeners) {
                listener.afterStep(this, report);
            }
            if (step % config.evalInterval() == 0 || step == config.steps()) {
                last = evaluate();
                metrics.record(last.toMetrics());
                // The regularizers hear the evaluation before the listeners, so a checkpoint written in
                // afterEval holds their state after it (a resumed run does not repeat the evaluation).
                boolean stop = shouldStop(last);
                best.offer(last.validationLoss());
                for (TrainerListener listener : listeners) {
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

    private boolean shouldStop(EvalReport report) {
        boolean stop = false;
        for (Regularizer regularizer : model.regularizers()) {
            // Every regularizer hears about every validation, even after one has voted to stop.
            stop |= regularizer.afterValidation(report.step(), report.validationLoss()) == Regularizer.Verdict.STOP;
        }
        return stop;
    }

    /** One optimizer step on one batch. */
    private StepReport trainStep(long runStarted) {
        long t0 = System.nanoTime();
        double lr = schedule.learningRate(step, config.steps(), config.learningRate());
        optimizer.setLearningRate(lr);
        recycleGradients(optimizer);

        // Gradient accumulation: each micro-batch's mean loss scaled by 1/k, gradients summed over the k
        // backward passes; the micro-batches are drawn one after the other from the same generator, so k
        // micro-batches of B read exactly the windows of one batch of k·B. Penalties count once per step.
        int microBatches = config.gradAccumulation();
        float scale = 1f / microBatches;
        double lossSum = 0;
        for (int micro = 0; micro < microBatches; micro++) {
            Batch batch = sample(data.train(), rng);
            TrainingContext context = new TrainingContext(true, step, rng);
            Tensor loss = model.loss(batch.inputs, batch.targets, config.batchSize(), config.contextLength(), context,
                    labelSmoothing());
            if (!Float.isFinite(loss.item())) {
                throw new IllegalStateException("training loss is " + loss.item() + " at step " + step
                        + " (learning rate " + lr + "); lower the learning rate or enable gradient clipping");
            }
            lossSum += loss.item();
            Tensor objective = microBatches == 1 ? loss : loss.mul(scale);
            if (micro == 0) {
                for (Regularizer regularizer : model.regularizers()) {
                    Tensor penalty = regularizer.penalty(parameters);
                    if (penalty != null) {
                        objective = objective.add(penalty);
                    }
                }
            }
            objective.backward();
        }
        double stepLoss = lossSum / microBatches;
        for (Regularizer regularizer : model.regularizers()) {
            regularizer.beforeStep(parameters);
        }
        double gradNorm = clipGradients(parameters, config.gradClip());
        optimizer.step();
        step++;

        long now = System.nanoTime();
        double seconds = Math.max(now - t0, 1) / 1e9;
        return new StepReport(step, stepLoss, lr, gradNorm, config.tokensPerStep() / seconds,
                (now - runStarted) / 1_000_000);
    }

    /**
     * The optimizer's {@code zeroGrad()}, with the gradient arrays handed to the backward pass that
     * follows instead of dropped: a step then allocates no new gradient for any parameter. The last step's
     * gradients are only read by the optimizer and the before-step hooks, both done by now.
     */
    static void recycleGradients(Optimizer optimizer) {
        for (ParameterGroup group : optimizer.groups()) {
            for (Parameter p : group.parameters()) {
                Arena.recycleGradient(p.value());
            }
        }
        optimizer.zeroGrad();
    }

    /** The configured label smoothing, or else the largest a regularizer asks for. */
    private float labelSmoothing() {
        double smoothing = config.labelSmoothing();
        if (smoothing == 0) {
            for (Regularizer regularizer : model.regularizers()) {
                smoothing = Math.max(smoothing, regularizer.labelSmoothing());
            }
        }
        return (float) smoothing;
    }

    /**
     * PyTorch's {@code clip_grad_norm_}: the global L2 norm over every gradient, and when it exceeds
     * {@code maxNorm > 0} every gradient is scaled by {@code maxNorm / (norm + 1e-6)}.
     *
     * Shared with {@link Finetuner}, which passes its trainable parameters only.
     *
     * @return the norm before clipping
     */
    static double clipGradients(List<Parameter> parameters, double maxNorm) {
        double sumOfSquares = 0;
        for (Parameter p : parameters) {
            float[] grad = p.value().grad();
            if (grad != null) {
                for (float g : grad) {
                    sumOfSquares += (double) g * g;
                }
            }
        }
        double norm = Math.sqrt(sumOfSquares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (maxNorm > 0 && coefficient < 1) {
            float scale = (float) coefficient;
            for (Parameter p : parameters) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] *= scale;
                    }
                }
            }
        }
        return norm;
    }

    /**
     * Estimates the loss on both splits: the mean over {@link TrainingConfig#evalIterations()} batches
     * each, without dropout, gradients or label smoothing. Every call reads the same batches, so
     * successive estimates differ only by what the model learned.
     */
    public EvalReport evaluate() {
        Rng evalRng = new Rng(config.seed() ^ EVAL_SALT);
        try (var noGrad = Grad.disabled()) {
            double train = meanLoss(data.train(), evalRng);
            double validation = meanLoss(data.validation(), evalRng);
            return new EvalReport(step, train, validation);
        }
    }

    private double meanLoss(int[] tokens, Rng evalRng) {
        TrainingContext context = new TrainingContext(false, step, evalRng);
        double sum = 0;
        for (int i = 0; i < config.evalIterations(); i++) {
            Batch batch = sample(tokens, evalRng);
            sum += model.loss(batch.inputs, batch.targets, config.batchSize(), config.contextLength(), context, 0f).item();
        }
        return sum / config.evalIterations();
    }

    /** nanoGPT's {@code get_batch}: random windows {@code x = data[i, i+T)}, {@code y = data[i+1, i+T+1)}. */
    private Batch sample(int[] tokens, Rng random) {
        int time = config.contextLength();
        int[] inputs = new int[config.batchSize() * time];   // [B, T]
        int[] targets = new int[inputs.length];              // [B, T]
        for (int b = 0; b < config.batchSize(); b++) {
            int offset = random.nextInt(tokens.length - time);
            System.arraycopy(tokens, offset, inputs, b * time, time);
            System.arraycopy(tokens, offset + 1, targets, b * time, time);
        }
        return new Batch(inputs, targets);
    }

    private record Batch(int[] inputs, int[] targets) {
    }
}
