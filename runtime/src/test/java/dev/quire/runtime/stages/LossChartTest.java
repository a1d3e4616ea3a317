package dev.quire.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossChartTest {

    @TempDir
    Path dir;

    @Test
    void drawsTheLossesOfMetricsJsonlAsAPng() throws IOException {
        var lines = new StringBuilder("{\"stage\":\"tokenize\",\"vocab_size\":65}\n");
        for (int step = 1; step <= 100; step++) {
            lines.append(String.format(Locale.ROOT, "{\"stage\":\"pretrain\",\"step\":%d,\"loss\":%.4f,\"lr\":0.001}%n",
                    step, 4.0 * Math.exp(-step / 40.0) + 1));
            if (step % 20 == 0) {
                lines.append(String.format(Locale.ROOT,
                        "{\"stage\":\"pretrain\",\"step\":%d,\"train_loss\":%.4f,\"val_loss\":%.4f,\"val_bpc\":2}%n",
                        step, 4.0 * Math.exp(-step / 40.0) + 1, 4.0 * Math.exp(-step / 40.0) + 1.3));
            }
        }
        lines.append("{\"stage\":\"pretrain\",\"step\":10"); // a torn last line is skipped
        Path metrics = Files.writeString(dir.resolve("metrics.jsonl"), lines);

        var losses = LossChart.read(metrics);
        assertThat(losses.steps().points()).hasSize(100);
        assertThat(losses.train().points()).hasSize(5);
        assertThat(losses.validation().points()).hasSize(5);

        Path png = dir.resolve("loss.png");
        assertThat(LossChart.write(metrics, png, "test run")).isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LossChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LossChart.HEIGHT);
        int orange = 0;
        int blue = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                orange += rgb == 0xFF7F0E ? 1 : 0;
                blue += rgb == 0x1F77B4 ? 1 : 0;
            }
        }
        assertThat(orange).as("validation line drawn").isGreaterThan(100);
        assertThat(blue).as("training line drawn").isGreaterThan(100);
        assertThat(dir.resolve("loss.png.tmp")).doesNotExist();
    }

    @Test
    void nothingToDrawWritesNothing() throws IOException {
        Path metrics = Files.writeString(dir.resolve("metrics.jsonl"), "{\"stage\":\"tokenize\",\"vocab_size\":65}\n");
        assertThat(LossChart.write(metrics, dir.resolve("loss.png"), "empty")).isFalse();
        assertThat(dir.resolve("loss.png")).doesNotExist();
    }

    @Test
    void niceTickSteps() {
        assertThat(LossChart.niceStep(0.13)).isEqualTo(0.2);
        assertThat(LossChart.niceStep(3)).isEqualTo(5);
        assertThat(LossChart.niceStep(7)).isEqualTo(10);
        assertThat(LossChart.niceStep(250)).isEqualTo(500);
    }
}
