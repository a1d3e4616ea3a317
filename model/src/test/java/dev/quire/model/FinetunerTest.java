package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
