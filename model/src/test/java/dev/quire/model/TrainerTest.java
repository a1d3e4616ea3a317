package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.OptimizerState;
import dev.quire.api.Regularizer;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final GptConfig CONFIG = new GptConfig(27, 16, 2, 2, 16, false, true, Tensor.Gelu.EXACT, 1e-5f);
    private static final CharTokenizer TOKENIZER = CharTokenizer.train("abcdefghijklmnopqrstuvwxyz ");
    private static final DataSplit DATA = DataSplit.of(TOKENIZER.encode(
            "the quick brown fox jumps over the lazy dog ".repeat(40)), 0.9);
    private static final TrainingConfig TRAINING = new TrainingConfig(30, 4, 16, 3e-3, 10, 3, 0f, 1.0, 7);

    /** A fresh model, optimizer and trainer; equal arguments give equal runs. */
    private static Trainer trainer(TrainingConfig config, List<Regularizer> regularizers) {
        Gpt model = new Gpt(CONFIG, Fixtures.attention(), Fixtures.learned(), regularizers, 1);
        OptimizerFactory adamw = Fixtures.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class,
                Map.of("weightDecay", 0.1));
        Optimizer optimizer = adamw.create(model.optimizerGroups());
        return new Trainer(model, optimizer, new CosineSchedule(new CosineScheduleOptions(5, 0, 1e-4)), config, DATA);
    }

    /** Every step's loss and every evaluation of a run. */
    private record Run(List<Double> losses, List<EvalReport> evaluations, TrainingResult result) {
    }

    private static Run run(Trainer trainer) {
        List<Double> losses = new ArrayList<>();
        List<EvalReport> evaluations = new ArrayList<>();
        trainer.addListener(new TrainerListener() {
            @Override
            public void afterStep(Trainer t, StepReport report) {
                losses.add(report.loss());
            }

            @Override
            public void afterEval(Trainer t, EvalReport report) {
                evaluations.add(report);
            }
        });
        TrainingResult result = trainer.run();
        return new Run(losses, evaluations, result);
    }

    @Test
    void theSameSeedAndConfigurationGiveIdenticalLosses() {
        Run first = run(trainer(TRAINING, List.of()));
        Run second = run(trainer(TRAINING, List.of()));

        assertThat(first.losses()).hasSize(30).containsExactlyElementsOf(second.losses());
        assertThat(first.evaluations()).containsExactlyElementsOf(second.evaluations());
        assertThat(first.losses().getLast()).as("it learns").isLessThan(first.losses().getFirst() - 0.3);

        Run otherSeed = run(trainer(new TrainingConfig(30, 4, 16, 3e-3, 10, 3, 0f, 1.0, 8), List.of()));
        assertThat(otherSeed.losses()).isNotEqualTo(first.losses());
    }

    @Test
    void aRunResumedFromACheckpointContinuesExactly() {
        Run uninterrupted = run(trainer(TRAINING, List.of()));

        // Save model, optimizer and trainer state after step 13, as the runtime's checkpointing does.
        Map<String, float[]> weights = new HashMap<>();
        OptimizerState[] optimizerState = new OptimizerState[1];
        TrainerState[] trainerState = new TrainerState[1];
        Trainer first = trainer(TRAINING, List.of()).addListener(new TrainerListener() {
            @Override
            public void afterStep(Trainer t, StepReport report) {
                if (report.step() == 13) {
                    t.model().stateDict().forEach((name, tensor) -> weights.put(name, tensor.data().clone()));
                    optimizerState[0] = t.optimizer().state();
                    trainerState[0] = t.state();
                }
            }
        });
        first.run();

        Trainer resumed = trainer(TRAINING, List.of());
        resumed.model().loadStateDict(weights);
        resumed.optimizer().loadState(optimizerState[0]);
        resumed.restore(trainerState[0]);
        assertThat(resumed.step()).isEqualTo(13);
        Run rest = run(resumed);

        assertThat(rest.losses()).containsExactlyElementsOf(uninterrupted.losses().subList(13, 30));
        assertThat(rest.evaluations()).containsExactlyElementsOf(uninterrupted.evaluations().subList(1, 3));
    }

    @Test
    void reportsMetricsProgressAndEvaluations() {
        List<Map<String, Object>> records = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        Trainer trainer = trainer(TRAINING, List.of()).metrics(records::add)
                .progress((done, total, message) -> progress.add(done + "/" + total + " " + message));
        Run run = run(trainer);

        assertThat(run.result()).isEqualTo(new TrainingResult(30, run.evaluations().getLast(), false));
        assertThat(run.evaluations()).extracting(EvalReport::step).containsExactly(10L, 20L, 30L);
        assertThat(records).hasSize(33);
        assertThat(records.getFirst()).containsOnlyKeys("step", "loss", "lr", "grad_norm", "tokens_per_sec", "elapsed_ms")
                .containsEntry("step", 1L);
        assertThat((double) records.getFirst().get("lr")).isCloseTo(3e-3 / 6, within(1e-12));
        assertThat(records.get(10)).containsOnlyKeys("step", "train_loss", "val_loss", "val_bpc").containsEntry("step", 10L);
        EvalReport last = run.evaluations().getLast();
        assertThat(last.validationBitsPerCharacter()).isCloseTo(last.validationLoss() / Math.log(2), within(1e-12));
        assertThat(progress).hasSize(30);
        assertThat(progress.getLast()).startsWith("30/30 loss ");
    }

    @Test
    void evaluationReadsTheSameBatchesEachTimeAndLeavesTrainingAlone() {
        Trainer trainer = trainer(TRAINING, List.of());
        TrainerState before = trainer.state();
        EvalReport a = trainer.evaluate();
        EvalReport b = trainer.evaluate();
        assertThat(a).isEqualTo(b);
        assertThat(trainer.state().rngState()).containsExactly(before.rngState());
        // An untrained model is close to uniform over 27 characters: ln 27 = 3.30 nats.
        assertThat(a.validationLoss()).isCloseTo(Math.log(27), within(0.1));
    }

    @Test
    void earlyStoppingEndsTheRunAndRestoresTheBestWeights() {
        List<Long> heard = new ArrayList<>();
        Regularizer stopAtSecond = new Regularizer() {
            @Override
            public Verdict afterValidation(long step, double validationLoss) {
                heard.add(step);
                return step >= 20 ? Verdict.STOP : Verdict.CONTINUE;
            }

            @Override
            public boolean restoreBestOnStop() {
                return true;
            }
        };
        Trainer trainer = trainer(TRAINING, List.of(stopAtSecond));
        Run run = run(trainer);

        assertThat(run.result().stoppedEarly()).isTrue();
        assertThat(run.result().steps()).isEqualTo(20);
        assertThat(heard).containsExactly(10L, 20L);
        // The weights now are those of the better of the two evaluations.
        double best = Math.min(run.evaluations().get(0).validationLoss(), run.evaluations().get(1).validationLoss());
        assertThat(trainer.evaluate().validationLoss()).isCloseTo(best, within(1e-9));
    }

    @Test
    void rememberedBestWeightsComeBackOnAStopUnlessABetterEvaluationCame() {
        Regularizer stopAtFirst = new Regularizer() {
            @Override
            public Verdict afterValidation(long step, double validationLoss) {
                return Verdict.STOP;
            }

            @Override
            public boolean restoreBestOnStop() {
                return true;
            }
        };
        Trainer trainer = trainer(TRAINING, List.of(stopAtFirst));
        List<float[]> remembered = trainer.model().parameters().stream()
                .map(p -> { float[] v = p.value().data().clone(); java.util.Arrays.fill(v, 0.125f); return v; }).toList();
        trainer.rememberBest(0.01, remembered);   // better than any evaluation of this run
        run(trainer);
        for (int i = 0; i < remembered.size(); i++) {
            assertThat(trainer.model().parameters().get(i).value().data()).containsExactly(remembered.get(i));
        }

        Trainer other = trainer(TRAINING, List.of(stopAtFirst));
        other.rememberBest(1e9, remembered);      // worse than the first evaluation: its weights stay
        run(other);
        assertThat(other.model().parameters().getFirst().value().data()).doesNotContain(0.125f);

        assertThatThrownBy(() -> other.rememberBest(1, remembered.subList(1, remembered.size())))
                .hasMessageContaining("arrays for");
        assertThatThrownBy(() -> other.rememberBest(1, remembered.stream().map(v -> new float[1]).toList()))
                .hasMessageContaining("values, the saved array 1");
    }

    @Test
    void gradientClippingBoundsTheUpdateButReportsTheRawNorm() {
        TrainingConfig tight = new TrainingConfig(6, 4, 16, 3e-3, 10, 1, 0f, 1e-3, 7);
        List<Double> norms = new ArrayList<>();
        Trainer trainer = trainer(tight, List.of()).addListener(new TrainerListener() {
            @Override
            public void afterStep(Trainer t, StepReport report) {
                norms.add(report.gradNorm());
                double clipped = 0;
                for (var p : t.model().parameters()) {
                    for (float g : p.value().grad()) {
                        clipped += (double) g * g;
                    }
                }
                assertThat(Math.sqrt(clipped)).isCloseTo(1e-3, within(1e-5));
            }
        });
        trainer.run();
        assertThat(norms).hasSize(6).allMatch(n -> n > 1e-3);
    }

    @Test
    void configurationsThatDoNotFitAreRejected() {
        assertThatThrownBy(() -> trainer(new TrainingConfig(30, 4, 17, 3e-3, 10, 3, 0f, 1.0, 7), List.of()))
                .hasMessageContaining("contextLength 17 exceeds the model's context length 16");
        assertThatThrownBy(() -> trainer(new TrainingConfig(3, 4, 16, 3e-3, 10, 3, 0f, 1.0, 7), List.of()))
                .hasMessageContaining("warmupSteps (5)");
        assertThatThrownBy(() -> new TrainingConfig(30, 0, 16, 3e-3, 10, 3, 0f, 1.0, 7)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new TrainingConfig(30, 4, 16, 3e-3, 10, 3, 1f, 1.0, 7)).hasMessageContaining("labelSmoothing");
        assertThatThrownBy(() -> DataSplit.of(new int[10], 1.0)).hasMessageContaining("trainFraction");
        assertThat(DataSplit.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9).validation()).containsExactly(10);
    }
}
