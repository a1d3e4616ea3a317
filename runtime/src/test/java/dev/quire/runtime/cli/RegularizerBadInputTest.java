package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad regularizer, schedule and training-loop options are rejected at load time by {@code quire run}:
 * exit status 2, the key and the allowed range on standard error, nothing written.
 */
class RegularizerBadInputTest {

    @TempDir
    Path dir;

    private void assertBadInput(String yaml, String... fragments) throws IOException {
        Path file = Cli.write(dir.resolve("pipeline.yaml"), yaml);
        Cli.Result result = Cli.run("run", file.toString());
        assertThat(result.status()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString()).contains(fragments);
        assertThat(result.out()).as("nothing on stdout").isEmpty();
        assertThat(dir.resolve("out")).as("nothing written").doesNotExist();
    }

    private static String pipeline(String regularizers, String schedule, String pretrain) {
        return """
                output: out
                data: {builtin: demo}
                regularizers: %s
                schedule: %s
                stages:
                  - pretrain: %s
                """.formatted(regularizers, schedule, pretrain);
    }

    @Test
    void negativeDropout() throws IOException {
        assertBadInput(pipeline("[{id: dropout, embedding: -0.1}]", "constant", "{steps: 10}"),
                "pipeline.yaml", "line 3", "regularizer 'dropout'", "embedding must be in [0, 1), got -0.1");
    }

    @Test
    void dropoutOfOneOrMore() throws IOException {
        assertBadInput(pipeline("[{id: dropout, residual: 1.0}]", "constant", "{steps: 10}"),
                "line 3", "residual must be in [0, 1), got 1.0");
        assertBadInput(pipeline("[{id: dropout, residual: 1.5}]", "constant", "{steps: 10}"),
                "residual must be in [0, 1), got 1.5");
    }

    @Test
    void otherRegularizerOptionsOutOfRange() throws IOException {
        assertBadInput(pipeline("[{id: label-smoothing, smoothing: 1.0}]", "constant", "{steps: 10}"),
                "smoothing must be in [0, 1)");
        assertBadInput(pipeline("[{id: l2, coefficient: -1}]", "constant", "{steps: 10}"),
                "coefficient must be a number >= 0");
        assertBadInput(pipeline("[{id: clip-grad-norm, maxNorm: 0}]", "constant", "{steps: 10}"),
                "maxNorm must be a number > 0");
        assertBadInput(pipeline("[{id: early-stopping, patience: 0}]", "constant", "{steps: 10}"),
                "patience must be at least 1");
    }

    @Test
    void unknownRegularizerListsTheKnownOnes() throws IOException {
        assertBadInput(pipeline("[{id: drop-out}]", "constant", "{steps: 10}"),
                "unknown regularizer 'drop-out'", "dropout", "early-stopping", "label-smoothing");
    }

    @Test
    void unknownScheduleListsTheKnownOnes() throws IOException {
        assertBadInput(pipeline("[]", "{id: exponential}", "{steps: 10}"),
                "line 4", "unknown schedule 'exponential'", "constant", "cosine", "linear", "step");
    }

    @Test
    void warmUpLongerThanTheRun() throws IOException {
        assertBadInput(pipeline("[]", "{id: linear, warmupSteps: 100}", "{steps: 10}"),
                "line 4", "schedule 'linear' does not fit the pretrain stage's 10 steps",
                "warmupSteps (100) is longer than the run (10 steps)", "from 0 to 10");
        assertBadInput(pipeline("[]", "{id: step, warmupSteps: 11, stepSize: 5}", "{steps: 10}"),
                "schedule 'step' does not fit", "warmupSteps (11)");
    }

    @Test
    void badScheduleOptions() throws IOException {
        assertBadInput(pipeline("[]", "{id: step, gamma: 2}", "{steps: 10}"), "gamma must be in (0, 1], got 2.0");
        assertBadInput(pipeline("[]", "{id: step, stepSize: 0}", "{steps: 10}"), "stepSize must be at least 1");
    }

    @Test
    void gradAccumulationBelowOne() throws IOException {
        assertBadInput(pipeline("[]", "constant", "{steps: 10, gradAccumulation: 0}"),
                "gradAccumulation must be from 1 to 65536");
    }
}
