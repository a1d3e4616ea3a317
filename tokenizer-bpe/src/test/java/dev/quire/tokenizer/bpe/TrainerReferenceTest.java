package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.api.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training on Tiny Shakespeare with the reference settings ({@code vocab_size=N, min_frequency=2,
 * special_tokens=["<|endoftext|>"], initial_alphabet=ByteLevel.alphabet()}) writes the very
 * {@code tokenizer.json} Hugging Face wrote: same vocabulary, ids and merges.
 */
class TrainerReferenceTest {

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void trainsHuggingFacesVocabularyAndMerges(int size) throws IOException {
        List<long[]> updates = new ArrayList<>();
        ProgressListener progress = (done, total, message) -> updates.add(new long[] {done, total});
        BpeTokenizer trained = new BpeTrainer(size, 2, List.of("<|endoftext|>"))
                .trainFiles(List.of(Fixtures.shared().resolve("data/tinyshakespeare.txt")), progress);
        String expected = Files.readString(Fixtures.hfTokenizerJson(size));
        assertThat(trained.vocabSize()).isEqualTo(size);
        assertThat(trained.toTokenizerJson()).isEqualTo(expected);
        assertThat(updates).isNotEmpty();
        assertThat(updates.getLast()[0]).isEqualTo(size);
    }

    @Test
    void trainingOnAnIteratorOfLinesIsTheSame() throws IOException {
        Iterator<String> lines = BpeTrainer.lines(Fixtures.shared().resolve("data/tinyshakespeare.txt"));
        BpeTokenizer trained = new BpeTrainer(1000, 2, List.of("<|endoftext|>")).train(lines, ProgressListener.NONE);
        assertThat(trained.toTokenizerJson()).isEqualTo(Files.readString(Fixtures.hfTokenizerJson(1000)));
    }

    @Test
    void smallCorpusStopsAtMinimumFrequencyAndRoundTrips() {
        AtomicLong calls = new AtomicLong();
        BpeTokenizer t = new BpeTrainer(10_000, 3, List.of("<s>", "</s>"))
                .train(List.of("low lower lowest", "low low newer newest", "wider wide").iterator(),
                        (d, total, m) -> calls.incrementAndGet());
        assertThat(t.vocabSize()).isLessThan(10_000).isGreaterThan(258);
        assertThat(t.specialTokens()).containsEntry("<s>", 0).containsEntry("</s>", 1);
        assertThat(t.decode(t.encode("lowest <s> newer"))).isEqualTo("lowest <s> newer");
        assertThat(t.encode("<s>")).containsExactly(0);
        assertThat(t.tokenString(t.encode(" low")[0])).isEqualTo("Ġlow");
        assertThat(calls.get()).isPositive();
    }

    @Test
    void withoutTheInitialAlphabetOnlySeenBytesAreTokens() {
        BpeTokenizer t = new BpeTrainer(100, 0, List.of(), false).train(List.of("abab ba").iterator(), ProgressListener.NONE);
        // a, b, Ġ, then merges: (a,b) -> ab, ...
        assertThat(t.tokenString(0)).isEqualTo("a");
        assertThat(t.tokenString(1)).isEqualTo("b");
        assertThat(t.tokenString(2)).isEqualTo("Ġ");
        assertThat(t.decode(t.encode("abba"))).isEqualTo("abba");
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new BpeTrainer(-1, 0, List.of())).hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> new BpeTrainer(10, -1, List.of())).hasMessageContaining("minFrequency");
        assertThatThrownBy(() -> new BpeTrainer(10, 0, List.of("a", "a"))).hasMessageContaining("repeats 'a'");
    }
}
