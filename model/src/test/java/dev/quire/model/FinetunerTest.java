package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.Regularizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinetunerTest {

    /** Every step's loss and every evaluation of a run. */
    private record Run(List<Double> losses, List<EvalReport> evaluations) {
    }

    private static Run run(long dataSeed) {
        Gpt model = FinetuneTesting.model(1);
        FinetuneData data = FinetuneTesting.reversalData(48, dataSeed);
        var finetuner = new Finetuner(model, FinetuneTesting.adamw(model), ConstantScheduleProvider.CONSTANT,
                new FinetuneConfig(40, 8, 1e-2, 20, 64, 0f, 1.0, 3), data);
        List<Double> losses = new ArrayList<>();
        List<EvalReport> evaluations = new ArrayList<>();
        evaluations.add(finetuner.evaluate());
        finetuner.addListener(new FinetuneListener() {
            @Override
            public void afterStep(Finetuner f, StepReport report) {
                losses.add(report.loss());
            }

            @Override
            public void afterEval(Finetuner f, EvalReport report) {
                evaluations.add(report);
            }
        });
        TrainingResult result = finetuner.run();
        assertThat(result.steps()).isEqualTo(40);
        assertThat(result.lastEvaluation()).isEqualTo(evaluations.getLast());
        return new Run(losses, evaluations);
    }

    @Test
    void itLearnsTheCompletionsAndTheSameSeedGivesTheSameRun() {
        Run first = run(5);
        Run second = run(5);

        assertThat(first.losses()).hasSize(40).containsExactlyElementsOf(second.losses());
        assertThat(first.evaluations()).hasSize(3).containsExactlyElementsOf(second.evaluations());
        assertThat(first.evaluations()).extracting(EvalReport::step).containsExactly(0L, 20L, 40L);
        // Uniform guessing over the 8 tokens is ln 8 = 2.08 nats; the end mark and the letters' set are
        // learnable in 40 steps, so the held-out completion loss must fall well below it (measured: 2.102 at
        // step 0, 1.642 at step 20, 1.519 at step 40).
        double start = first.evaluations().getFirst().validationLoss();
        double end = first.evaluations().getLast().validationLoss();
        assertThat(start).isGreaterThan(1.9);
        assertThat(end).isLessThan(start - 0.4);
    }

    @Test
    void aRestoreBestStopPutsBackTheTrainableWeightsOfTheBestEvaluation() {
        // Stops at the third evaluation (step 30); the weights then are those of the lowest of the three.
        // After step 10 it turns every gradient into random signs, so the later evaluations are worse and
        // the weights to put back are step 10's.
        Regularizer stopAtThird = new Regularizer() {
            private final java.util.Random noise = new java.util.Random(3);
            private int steps;

            @Override
            public void beforeStep(List<dev.quire.api.Parameter> parameters) {
                if (++steps > 10) {
                    for (var p : parameters) {
                        float[] grad = p.value().grad();
                        for (int i = 0; i < grad.length; i++) {
                            grad[i] = noise.nextBoolean() ? 1f : -1f;
                        }
                    }
                }
            }

            @Override
            public Verdict afterValidation(long step, double validationLoss) {
                return step >= 30 ? Verdict.STOP : Verdict.CONTINUE;
            }

            @Override
            public boolean restoreBestOnStop() {
                return true;
            }
        };
        Gpt model = new Gpt(FinetuneTesting.CONFIG, Fixtures.attention(), Fixtures.learned(), List.of(stopAtThird), 1);
        FinetuneData data = FinetuneTesting.reversalData(48, 5);
        var finetuner = new Finetuner(model, FinetuneTesting.adamw(model), ConstantScheduleProvider.CONSTANT,
                new FinetuneConfig(60, 8, 3e-2, 10, 64, 0f, 1.0, 3), data);
        List<EvalReport> evaluations = new ArrayList<>();
        List<java.util.Map<String, float[]>> weights = new ArrayList<>();
        finetuner.addListener(new FinetuneListener() {
            @Override
            public void afterEval(Finetuner f, EvalReport report) {
                evaluations.add(report);
                weights.add(FinetuneTesting.snapshot(f.model()));
            }
        });
        TrainingResult result = finetuner.run();

        assertThat(result.stoppedEarly()).isTrue();
        assertThat(evaluations).extracting(EvalReport::step).containsExactly(10L, 20L, 30L);
        assertThat(evaluations.get(2).validationLoss()).isGreaterThan(evaluations.get(0).validationLoss());
        int best = 0;
        for (int i = 1; i < evaluations.size(); i++) {
            if (evaluations.get(i).validationLoss() < evaluations.get(best).validationLoss()) {
                best = i;
            }
        }
        var expected = weights.get(best);
        FinetuneTesting.snapshot(model).forEach((name, values) -> assertThat(values).as(name).containsExactly(expected.get(name)));
        assertThat(finetuner.evaluate().validationLoss()).isEqualTo(evaluations.get(best).validationLoss());
    }

    @Test
    void examplesLongerThanTheContextAreRefused() {
        Gpt model = FinetuneTesting.model(1);
        int[] tooLong = new int[FinetuneTesting.CONFIG.contextLength() + 2];
        var example = new PromptCompletionTokens(tooLong, 1, 0, 0, "long.jsonl line 3");
        var data = new FinetuneData(List.of(example), FinetuneTesting.reversalData(8, 1).validation());
        assertThatThrownBy(() -> FinetuneTesting.finetuner(model, data, 1, 1e-3))
                .hasMessageStartingWith("long.jsonl line 3 (training): 18 tokens, but the model's context of 16 "
                        + "takes at most 17");
    }

    @Test
    void theSplitIsSeededAndHoldsOutAtLeastOneExample() {
        var examples = PromptCompletionTokens.encodeAll(FinetuneTesting.reversals(10, 1), FinetuneTesting.TOKENIZER, 16);
        FinetuneData split = FinetuneData.split(examples, 0.2, 7);
        assertThat(split.train()).hasSize(8);
        assertThat(split.validation()).hasSize(2);
        assertThat(FinetuneData.split(examples, 0.2, 7)).isEqualTo(split);
        assertThat(FinetuneData.split(examples, 0.01, 7).validation()).hasSize(1);
        List<PromptCompletionTokens> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        assertThat(all).containsExactlyInAnyOrderElementsOf(examples);
        assertThatThrownBy(() -> FinetuneData.split(examples.subList(0, 1), 0.5, 1))
                .hasMessageContaining("at least 2 examples");
    }
}
