package dev.quire.attention.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark behind {@code quire bench attention} runs and reports what the CLI prints. */
class AttentionBenchmarkTest {

    @Test
    void reportsTimesAndBytesForBothImplementationsAsOneLineOfJson() {
        for (String impl : new String[] {"standard", "flash"}) {
            Map<String, Object> result = AttentionBenchmark.run(
                    new AttentionBenchmark.Config(impl, 1, 4, 2, 48, 16, true, 1, 1, 0, 64, 64));
            assertThat(result).as(impl).doesNotContainKey("error")
                    .containsEntry("impl", impl).containsEntry("kv_heads", 2).containsEntry("causal", true)
                    .containsKeys("forward_ms", "backward_ms", "peak_bytes");
            assertThat((Double) result.get("forward_ms")).isPositive();
            String json = AttentionBenchmark.json(result);
            assertThat(json).startsWith("{\"impl\":\"" + impl + "\"").endsWith("}").doesNotContain("\n");
        }
    }

    @Test
    void aShapeTheImplementationRefusesIsReportedAsAnError() {
        Map<String, Object> result = AttentionBenchmark.run(
                new AttentionBenchmark.Config("flash", 1, 3, 2, 8, 8, false, 1, 1, 0, 64, 64));
        assertThat((String) result.get("error")).contains("multiple of key/value heads");
    }
}
