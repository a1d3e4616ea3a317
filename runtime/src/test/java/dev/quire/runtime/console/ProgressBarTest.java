package dev.quire.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void plainLinesAtEveryTenthAndTheEnd() {
        var err = new StringWriter();
        var console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(err), false);
        long[] now = {0};
        var bar = new ProgressBar(console, "train", () -> now[0]);
        for (int i = 1; i <= 100; i++) {
            now[0] += 100_000_000L; // 10 steps a second
            bar.update(i, 100, "loss 1.0");
        }
        var lines = err.toString().lines().toList();
        assertThat(lines).hasSize(11);
        assertThat(lines.get(5)).startsWith("train [############............] 50/100  10.0/s  ETA 5s  loss 1.0");
        assertThat(lines.getLast()).contains("100/100", "in 10s");
    }

    @Test
    void terminalRedrawsInPlace() {
        var err = new StringWriter();
        var console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(err), true);
        long[] now = {0};
        var bar = new ProgressBar(console, "x", () -> now[0]);
        for (int i = 1; i <= 10; i++) {
            now[0] += 200_000_000L;
            bar.update(i, 10, "");
        }
        assertThat(err.toString()).contains("\r").endsWith("\n");
        assertThat(err.toString().chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void durations() {
        assertThat(ProgressBar.formatDuration(4.4)).isEqualTo("4s");
        assertThat(ProgressBar.formatDuration(65)).isEqualTo("1m05s");
        assertThat(ProgressBar.formatDuration(7380)).isEqualTo("2h03m");
        assertThat(ProgressBar.formatDuration(Double.NaN)).isEqualTo("?");
    }
}
