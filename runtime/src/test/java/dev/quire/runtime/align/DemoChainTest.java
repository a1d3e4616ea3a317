package dev.quire.runtime.align;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.rlhf.data.PreferenceFiles;
import dev.quire.runtime.Cli;
import dev.quire.runtime.demo.DemoChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire demo --chain} with tiny step counts: pretrain, fine-tune and align on built-in data only. */
class DemoChainTest {

    @TempDir
    Path dir;

    @Test
    void chainRunsPretrainFinetuneAlignAndComparesByGoldReward() throws IOException {
        Path out = dir.resolve("demo");
        var result = Cli.run("demo", "--chain", "--steps", "3", "--finetune-steps", "2", "--align-steps", "2",
                "--compare", "4", "--output", out.toString(), "--threads", "2");
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.err()).contains("running demo.yaml (pretrain -> evaluate -> finetune -> align -> sample)");
        assertThat(result.out()).contains("finetune: ", "align: method dpo {\"beta\":0.1}, 3,000 preference pairs",
                "step     1: loss 0.6931", "--- sample 1 of 1",
                "demo: gold reward on 4 new prompts: fine-tuned ");
        assertThat(out.resolve("finetune-model.pb")).isRegularFile();
        assertThat(out.resolve("align-model.pb")).isRegularFile();
        assertThat(PreferenceFiles.readRankings(out.resolve("demo-data/rankings.jsonl"))).hasSize(DemoChain.RANKINGS);
        assertThat(Files.readAllLines(out.resolve("demo-data/finetune.jsonl"))).hasSize(DemoChain.EXAMPLES);

        var shown = Cli.run("demo", "--chain", "--show-pipeline", "--output", out.toString());
        assertThat(shown.out()).contains("- finetune: {data: \"" + out.resolve("demo-data/finetune.jsonl").toAbsolutePath(),
                "- align: {method: {id: dpo, beta: 0.1}", "steps: " + DemoChain.ALIGN_STEPS);
    }
}
