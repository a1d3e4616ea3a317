package dev.quire.model;

import static dev.quire.model.FinetuneTesting.TOKENIZER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.TrainingContext;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptCompletionBatchTest {

    private static final int I = Gpt.IGNORE_INDEX;

    private static PromptCompletionTokens encode(String prompt, String completion, int context) {
        return PromptCompletionTokens.encode(new PromptCompletion(prompt, completion, "test"), TOKENIZER, context);
    }

    private static int id(char c) {
        return TOKENIZER.encode(String.valueOf(c))[0];
    }

    @Test
    void targetsAreTheNextCompletionTokenAndIgnoredOnPromptAndPadding() {
        var long_ = encode("abc=", "cba.", 16);   // 8 tokens: 7 inputs
        var short_ = encode("ab=", "ba.", 16);    // 6 tokens: 5 inputs, padded by 2
        PromptCompletionBatch batch = PromptCompletionBatch.pack(List.of(long_, short_), 0);

        assertThat(batch.batch()).isEqualTo(2);
        assertThat(batch.time()).isEqualTo(7);
        assertThat(batch.inputs()).containsExactly(
                id('a'), id('b'), id('c'), id('='), id('c'), id('b'), id('a'),
                id('a'), id('b'), id('='), id('b'), id('a'), 0, 0);
        assertThat(batch.targets()).containsExactly(
                I, I, I, id('c'), id('b'), id('a'), id('.'),
                I, I, id('b'), id('a'), id('.'), I, I);
        assertThat(batch.targetCount()).isEqualTo(7);
    }

    @Test
    void withoutAPromptTheFirstCompletionTokenIsOnlyRead() {
        var example = encode("", "abc", 16);
        PromptCompletionBatch batch = PromptCompletionBatch.pack(List.of(example), 0);
        assertThat(batch.inputs()).containsExactly(id('a'), id('b'));
        assertThat(batch.targets()).containsExactly(id('b'), id('c'));
        assertThat(example.targetCount()).isEqualTo(2);
        assertThatThrownBy(() -> encode("", "a", 16)).hasMessageContaining("at least two");
    }

    @Test
    void truncationCutsThePromptsStartFirstThenTheCompletionsEnd() {
        // Context 4 holds 5 tokens.
        var fits = encode("ab=", "ba", 4);
        assertThat(fits.tokens()).containsExactly(id('a'), id('b'), id('='), id('b'), id('a'));
        assertThat(fits.truncated()).isFalse();

        var longPrompt = encode("abcdef=", "fe", 4);     // 7 + 2: keep the last 3 prompt tokens
        assertThat(longPrompt.tokens()).containsExactly(id('e'), id('f'), id('='), id('f'), id('e'));
        assertThat(longPrompt.promptTokens()).isEqualTo(3);
        assertThat(longPrompt.droppedPromptTokens()).isEqualTo(4);
        assertThat(longPrompt.droppedCompletionTokens()).isZero();

        var longCompletion = encode("ab=", "abcdef.", 4); // 3 + 7: one prompt token, 4 completion tokens
        assertThat(longCompletion.tokens()).containsExactly(id('='), id('a'), id('b'), id('c'), id('d'));
        assertThat(longCompletion.promptTokens()).isEqualTo(1);
        assertThat(longCompletion.droppedPromptTokens()).isEqualTo(2);
        assertThat(longCompletion.droppedCompletionTokens()).isEqualTo(3);
        assertThat(longCompletion.targetCount()).isEqualTo(4);

        var exactlyTheCompletion = encode("ab=", "abcd", 4); // completion 4 = room - 1: one prompt token kept
        assertThat(exactlyTheCompletion.tokens()).containsExactly(id('='), id('a'), id('b'), id('c'), id('d'));
        assertThat(exactlyTheCompletion.droppedCompletionTokens()).isZero();

        var noPrompt = encode("", "abcdef", 4);
        assertThat(noPrompt.tokens()).containsExactly(id('a'), id('b'), id('c'), id('d'), id('e'));
        assertThat(noPrompt.droppedCompletionTokens()).isEqualTo(1);
    }

    @Test
    void anExampleTheTokenizerCannotEncodeNamesItsOrigin() {
        assertThatThrownBy(() -> PromptCompletionTokens.encode(new PromptCompletion("xyz", "a", "f.jsonl line 4"),
                TOKENIZER, 16)).hasMessageStartingWith("f.jsonl line 4: the tokenizer cannot encode it");
    }

    @Test
    void theCompletionLossIsTheMeanNegativeLogLikelihoodOfTheCompletionTokensAlone() {
        Gpt model = FinetuneTesting.model(5);
        var a = encode("abc=", "cba.", 16);
        var b = encode("fe=", "ef.", 16);
        double expected = (nll(model, a) + nll(model, b)) / (a.targetCount() + b.targetCount());
        try (var noGrad = Grad.disabled()) {
            double padded = Finetuner.completionLoss(model, List.of(a, b), 2); // b padded by 2 positions
            double apart = Finetuner.completionLoss(model, List.of(a, b), 1);  // no padding
            assertThat(padded).isCloseTo(expected, within(1e-5));
            assertThat(apart).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void logitsOfAPaddedBatchEqualThoseOfEachSequenceAlone() {
        Gpt model = FinetuneTesting.model(6);
        var a = encode("abcde=", "edcba.", 16);  // 11 inputs
        var b = encode("ab=", "ba.", 16);        // 5 inputs
        PromptCompletionBatch both = PromptCompletionBatch.pack(List.of(a, b), 0);
        PromptCompletionBatch alone = PromptCompletionBatch.pack(List.of(b), 0);
        try (var noGrad = Grad.disabled()) {
            float[] padded = model.logits(both.inputs(), 2, both.time(), context()).data();
            float[] single = model.logits(alone.inputs(), 1, alone.time(), context()).data();
            int v = model.vocabSize();
            for (int i = 0; i < alone.time() * v; i++) {
                assertThat(padded[both.time() * v + i]).isCloseTo(single[i], within(1e-5f));
            }
        }
    }

    /** -Σ log p(completion token | everything before it), from the logits of the whole sequence. */
    private static double nll(Gpt model, PromptCompletionTokens example) {
        int[] tokens = example.tokens();
        int time = tokens.length - 1;
        try (var noGrad = Grad.disabled()) {
            Tensor logProbs = model.logits(java.util.Arrays.copyOf(tokens, time), 1, time, context()).logSoftmax(2);
            double sum = 0;
            for (int i = example.promptTokens() - 1; i < time; i++) {
                sum -= logProbs.get(0, i, tokens[i + 1]);
            }
            return sum;
        }
    }

    private static TrainingContext context() {
        return new TrainingContext(false, 0, new Rng(0));
    }
}
