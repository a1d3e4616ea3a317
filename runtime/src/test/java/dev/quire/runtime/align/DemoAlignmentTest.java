package dev.quire.runtime.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.rlhf.data.Ranking;
import dev.quire.rlhf.ranking.Prompts;
import dev.quire.runtime.demo.DemoAlignment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's generated fine-tuning and preference data and its simulated person. */
class DemoAlignmentTest {

    @TempDir
    Path dir;

    @Test
    void goldRewardCountsFavouredWordsAndPenalizesLength() {
        // 23 characters, within [20, 60]: +1 glad.
        assertThat(DemoAlignment.goldReward("The grey wolf was glad.\nMore text here")).isEqualTo(1.0);
        // Only the first line counts; happy +1, afraid -1.
        assertThat(DemoAlignment.goldReward("Happy and afraid, the hen ran off.\nglad glad")).isEqualTo(0.0);
        // 10 characters: 10 short of 20, -1.0.
        assertThat(DemoAlignment.goldReward("The fox...\n")).isCloseTo(-1.0, within(1e-12));
        // 70 characters: 10 over 60, -1.0, plus proud.
        String longLine = "The old crow was proud and said, \"The harbour is no place for you.\" ok";
        assertThat(longLine).hasSize(70);
        assertThat(DemoAlignment.goldReward(longLine)).isCloseTo(0.0, within(1e-12));
        assertThat(DemoAlignment.goldReward("Hungry, sorry and angry, the king sat.")).isEqualTo(-3.0);
    }

    @Test
    void noiselessRankingsFollowTheGoldRewardAndTheSameSeedGivesTheSameData() {
        List<Ranking> rankings = DemoAlignment.rankings(11, 200, 4, 0.0);
        assertThat(rankings).hasSize(200).allSatisfy(r -> {
            assertThat(r.k()).isEqualTo(4);
            for (int i = 1; i < 4; i++) {
                assertThat(DemoAlignment.goldReward(r.completions().get(r.ranking().get(i - 1))))
                        .isGreaterThanOrEqualTo(DemoAlignment.goldReward(r.completions().get(r.ranking().get(i))));
            }
        });
        assertThat(DemoAlignment.rankings(11, 200, 4, 0.0)).isEqualTo(rankings);
        // The data is not all ties: the best completion beats the worst in most rankings.
        long strict = rankings.stream().filter(r -> DemoAlignment.goldReward(r.best())
                > DemoAlignment.goldReward(r.worst())).count();
        assertThat(strict).isGreaterThan(100);

        // With noise the person sometimes disagrees with the gold reward, but mostly agrees.
        List<Ranking> noisy = DemoAlignment.rankings(11, 400, 2, 0.5);
        long agree = noisy.stream().filter(r -> DemoAlignment.goldReward(r.best()) >= DemoAlignment.goldReward(r.worst()))
                .count();
        assertThat(agree).isBetween(280L, 399L);
    }

    @Test
    void writtenFilesAreValidPreferenceAndPromptFiles() throws IOException {
        var files = DemoAlignment.write(dir, 5, 30, 20, 3, 0.5);
        assertThat(PreferenceFiles.readRankings(files.rankings())).hasSize(20)
                .allSatisfy(r -> assertThat(r.prompt()).endsWith(".\n"));
        assertThat(Prompts.read(files.prompts())).hasSize(20);
        List<String> examples = Files.readAllLines(files.examples());
        assertThat(examples).hasSize(30).allSatisfy(l -> assertThat(l).startsWith("{\"prompt\":\"").contains("\"completion\":\""));
        // Each completion continues the fable of its prompt: it names one of the prompt's characters.
        assertThat(DemoAlignment.examples(5, 30)).allSatisfy(e -> assertThat(e.completion()).endsWith("\n"));
    }
}
