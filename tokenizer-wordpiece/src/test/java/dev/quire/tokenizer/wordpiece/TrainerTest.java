package dev.quire.tokenizer.wordpiece;

import dev.quire.json.Json;
import dev.quire.api.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training on Tiny Shakespeare gives Hugging Face's WordPieceTrainer vocabularies. */
class TrainerTest {

    private static Map<String, Long> counts;

    static synchronized Map<String, Long> shakespeareCounts() {
        if (counts == null) {
            counts = new WordPieceTrainer(WordPieceTrainer.Config.bert(1000, 2))
                    .countWords(List.of(Fixtures.shakespeareText()).iterator(), ProgressListener.NONE);
        }
        return counts;
    }

    /** The prefixed single characters in the order the reference run gave them ids. */
    static List<String> referenceSymbolOrder(WordPiece ref) {
        List<String> order = new ArrayList<>();
        for (int id = 0; id < ref.size(); id++) {
            String t = ref.token(id);
            if (t.startsWith("##") && t.codePointCount(2, t.length()) == 1) {
                order.add(t);
            }
        }
        return order;
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void sameVocabularyAndIdsAsHuggingFaceGivenItsSymbolOrder(int size) {
        WordPiece ref = Fixtures.hf(size).model();
        WordPieceTrainer.Config config = WordPieceTrainer.Config.bert(size, 2).withSymbolOrder(referenceSymbolOrder(ref));
        WordPieceTokenizer trained = new WordPieceTrainer(config).train(shakespeareCounts(), ProgressListener.NONE);
        assertThat(trained.model().vocab()).isEqualTo(ref.vocab());
        // the whole tokenizer.json, not only the vocabulary
        assertThat(Json.parse(trained.toJson(), "trained").value())
                .isEqualTo(Json.parse(Fixtures.hf(size).toJson(), "reference").value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 4096})
    void sameTokensAsHuggingFaceInDefaultOrder(int size) {
        WordPiece ref = Fixtures.hf(size).model();
        WordPieceTokenizer trained = new WordPieceTrainer(WordPieceTrainer.Config.bert(size, 2))
                .train(shakespeareCounts(), ProgressListener.NONE);
        Set<String> mine = new HashSet<>(trained.model().vocab().keySet());
        Set<String> theirs = new HashSet<>(ref.vocab().keySet());
        Set<String> onlyMine = new HashSet<>(mine);
        onlyMine.removeAll(theirs);
        Set<String> onlyTheirs = new HashSet<>(theirs);
        onlyTheirs.removeAll(mine);
        assertThat(onlyMine).as("only in ours; only in HF: " + onlyTheirs).isEmpty();
        assertThat(trained.vocabSize()).isEqualTo(size);
    }

    @Test
    void trainsFromDocumentsWithProgress() {
        AtomicLong updates = new AtomicLong();
        List<String> lines = Fixtures.shakespeareText().lines().toList();
        WordPieceTokenizer t = new WordPieceTrainer(WordPieceTrainer.Config.bert(300, 2))
                .train(lines.iterator(), (done, total, msg) -> updates.incrementAndGet());
        assertThat(updates.get()).isGreaterThan(2);
        assertThat(t.vocabSize()).isEqualTo(300);
        assertThat(t.decode(t.encode("First Citizen: we are accounted poor citizens")))
                .isEqualTo("first citizen : we are accounted poor citizens");
    }

    @Test
    void smallCorpusMatchesHandComputedMerges() {
        // words: "aaab" x3, "ab" x2 -> pairs (a,##a)=3, (##a,##a)=3, (##a,##b)=3, (a,##b)=2: tie, smallest ids first
        Map<String, Long> wc = Map.of("aaab", 3L, "ab", 2L);
        WordPieceTrainer tr = new WordPieceTrainer(new WordPieceTrainer.Config(100, 0, List.of("[UNK]"), 0, List.of(), "##", 0, true, List.of()));
        List<String> vocab = tr.learnVocabulary(wc, ProgressListener.NONE);
        assertThat(vocab.subList(0, 5)).containsExactly("[UNK]", "a", "b", "##a", "##b");
        assertThat(vocab.get(5)).isEqualTo("aa");
    }

    @Test
    void rejectsEmptyCorpusAndMissingUnk() {
        WordPieceTrainer tr = new WordPieceTrainer(WordPieceTrainer.Config.bert(100, 0));
        assertThatThrownBy(() -> tr.train(List.of("   ", "\n").iterator(), ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no words");
        WordPieceTrainer noUnk = new WordPieceTrainer(new WordPieceTrainer.Config(100, 0, List.of("[PAD]"), 0, List.of(), "##", 0, true, List.of()));
        assertThatThrownBy(() -> noUnk.train(List.of("hello world").iterator(), ProgressListener.NONE))
                .hasMessageContaining("[UNK]");
    }
}
