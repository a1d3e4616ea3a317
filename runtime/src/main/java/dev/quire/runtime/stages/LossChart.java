package dev.quire.runtime.stages;

import dev.quire.json.Json;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The chart of a pretrain run's losses, written as a PNG at the end of the run: the loss of every
 * training step (faint), and the estimated training and validation losses of each evaluation, against
 * the step, with axes, ticks, labels and a legend. Read from {@code metrics.jsonl}, so a resumed run's
 * chart shows the whole run. Drawn with Java2D on an image in memory (headless; no display needed).
 */
final class LossChart {

    static final int WIDTH = 960;
    static final int HEIGHT = 560;

    private static final Color STEP_LOSS = new Color(31, 119, 180, 80);
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);
    private static final Color GRID = new Color(225, 225, 225);

    private LossChart() {
    }

    /** Points {@code (step, loss)} of one series. */
    record Series(List<double[]> points) {
        boolean isEmpty() {
            return points.isEmpty();
        }
    }

    /** The three series of a run. */
    record Losses(Series steps, Series train, Series validation) {
    }

    /** Reads the pretrain records of {@code metrics.jsonl}; unreadable lines are skipped. */
    static Losses read(Path metrics) {
        var steps = new ArrayList<double[]>();
        var train = new ArrayList<double[]>();
        var validation = new ArrayList<double[]>();
        List<String> lines;
        try {
            lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (!line.startsWith("{\"stage\":\"pretrain\"")) {
                continue;
            }
            try {
                Json.Node node = Json.parse(line, metrics.toString());
                double step = number(node.get("step"));
                if (node.has("loss")) {
                    steps.add(new double[] {step, number(node.get("loss"))});
                }
                if (node.has("train_loss")) {
                    train.add(new double[] {step, number(node.get("train_loss"))});
                }
                if (node.has("val_loss")) {
                    validation.add(new double[] {step, number(node.get("val_loss"))});
                }
            } catch (RuntimeException e) {
                // A torn or foreign line: the chart is a convenience, it does without it.
            }
        }
        return new Losses(new Series(steps), new Series(train), new Series(validation));
    }

    private static double number(Json.Node node) {
        return ((Number) node.value()).doubleValue();
    }

    /**
     * Draws the losses of {@code metrics} into {@code png} (written to a temporary file, then moved).
     *
     * @return false if there was nothing to draw
     */
    static boolean write(Path metrics, Path png, String title) {
        Losses losses = read(metrics);
        if (losses.steps().isEmpty() && losses.validation().isEmpty()) {
            return false;
        }
        BufferedImage image = draw(losses, title);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        try {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /** The chart as an image. */
    static BufferedImage draw(Losses losses, String title) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        var image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            int left = 80;
            int right = WIDTH - 30;
            int top = 50;
            int bottom = HEIGHT - 60;

            double maxStep = 1;
            double minLoss = Double.POSITIVE_INFINITY;
            double maxLoss = Double.NEGATIVE_INFINITY;
            for (Series s : List.of(losses.steps(), losses.train(), losses.validation())) {
                for (double[] p : s.points()) {
                    maxStep = Math.max(maxStep, p[0]);
                    if (Double.isFinite(p[1])) {
                        minLoss = Math.min(minLoss, p[1]);
                        maxLoss = Math.max(maxLoss, p[1]);
                    }
                }
            }
            if (!(maxLoss > minLoss)) {
                minLoss -= 0.5;
                maxLoss += 0.5;
            }
            double yStep = niceStep((maxLoss - minLoss) / 6);
            double yMin = Math.floor(minLoss / yStep) * yStep;
            double yMax = Math.ceil(maxLoss / yStep) * yStep;
            double xStep = niceStep(maxStep / 8);
            double xMax = Math.ceil(maxStep / xStep) * xStep;
            var scale = new Scale(left, right, top, bottom, xMax, yMin, yMax);

            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            g.setStroke(new BasicStroke(1f));
            for (double y = yMin; y <= yMax + yStep / 2; y += yStep) {
                int py = scale.y(y);
                g.setColor(GRID);
                g.drawLine(left, py, right, py);
                g.setColor(Color.DARK_GRAY);
                String label = format(y, yStep);
                g.drawString(label, left - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            for (double x = 0; x <= xMax + xStep / 2; x += xStep) {
                int px = scale.x(x);
                g.setColor(GRID);
                g.drawLine(px, top, px, bottom);
                g.setColor(Color.DARK_GRAY);
                String label = format(x, xStep);
                g.drawString(label, px - fm.stringWidth(label) / 2, bottom + 6 + fm.getAscent());
            }
            g.setColor(Color.BLACK);
            g.drawLine(left, bottom, right, bottom);
            g.drawLine(left, top, left, bottom);
            g.drawString("step", (left + right) / 2 - fm.stringWidth("step") / 2, HEIGHT - 18);
            var rotated = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString("loss (nats per token)", -(top + bottom) / 2 - fm.stringWidth("loss (nats per token)") / 2, 24);
            g.setTransform(rotated);
            g.setFont(font.deriveFont(Font.BOLD, 16f));
            g.drawString(title, left, 30);
            g.setFont(font);

            line(g, scale, losses.steps(), STEP_LOSS, 1f, false);
            line(g, scale, losses.train(), TRAIN, 2f, true);
            line(g, scale, losses.validation(), VALIDATION, 2f, true);

            int lx = right - 200;
            int ly = top + 12;
            legend(g, lx, ly, STEP_LOSS, "training loss per step", 1f);
            legend(g, lx, ly + 20, TRAIN, "training loss (evaluation)", 2f);
            legend(g, lx, ly + 40, VALIDATION, "validation loss", 2f);
        } finally {
            g.dispose();
        }
        return image;
    }

    private record Scale(int left, int right, int top, int bottom, double xMax, double yMin, double yMax) {
        int x(double step) {
            return (int) Math.round(left + step / xMax * (right - left));
        }

        int y(double loss) {
            return (int) Math.round(bottom - (loss - yMin) / (yMax - yMin) * (bottom - top));
        }
    }

    private static void line(Graphics2D g, Scale scale, Series series, Color color, float width, boolean dots) {
        if (series.isEmpty()) {
            return;
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        var path = new Path2D.Double();
        boolean started = false;
        for (double[] p : series.points()) {
            if (!Double.isFinite(p[1])) {
                continue;
            }
            if (started) {
                path.lineTo(scale.x(p[0]), scale.y(p[1]));
            } else {
                path.moveTo(scale.x(p[0]), scale.y(p[1]));
                started = true;
            }
            if (dots) {
                g.fillOval(scale.x(p[0]) - 3, scale.y(p[1]) - 3, 7, 7);
            }
        }
        g.draw(path);
    }

    private static void legend(Graphics2D g, int x, int y, Color color, String label, float width) {
        g.setColor(color);
        g.setStroke(new BasicStroke(width));
        g.drawLine(x, y, x + 24, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(label, x + 32, y + g.getFontMetrics().getAscent() / 2 - 1);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    private static String format(double value, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step)));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
