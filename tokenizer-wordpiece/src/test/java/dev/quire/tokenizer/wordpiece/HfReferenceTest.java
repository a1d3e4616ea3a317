package dev.quire.tokenizer.wordpiece;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every line of hf_wordpiece_{1000,4096}.encodings.jsonl: ids, tokens and offsets as Hugging Face gives them. */
class HfReferenceTest {

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void everyReferenceLineMatches(int size) {
        WordPieceTokenizer tok = Fixtures.hf(size);
        List<Fixtures.Case> cases = Fixtures.cases(size);
        assertThat(cases).hasSize(430);
        List<String> failures = new ArrayList<>();
        for (Fixtures.Case c : cases) {
            Encoding e = tok.encoding(c.text());
            if (!Arrays.equals(e.ids(), c.ids())) {
                failures.add("line " + c.line() + ": ids " + Arrays.toString(e.ids()) + " != " + Arrays.toString(c.ids()));
            } else if (!Arrays.equals(e.tokens(), c.tokens())) {
                failures.add("line " + c.line() + ": tokens " + Arrays.toString(e.tokens()));
            } else if (!Arrays.deepEquals(e.offsets(), c.offsets())) {
                failures.add("line " + c.line() + ": offsets " + Arrays.deepToString(e.offsets()) + " != " + Arrays.deepToString(c.offsets()));
            }
            int[] fast = tok.encode(c.text());
            if (!Arrays.equals(fast, c.ids())) {
                failures.add("line " + c.line() + ": fast path ids " + Arrays.toString(fast));
            }
        }
        assertThat(failures).as("mismatching lines (" + failures.size() + ")").isEmpty();
    }
}
