package dev.quire.runtime.console;

import dev.quire.api.ProgressListener;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar for long work: {@code label [#####.....] done/total  rate/s  ETA 1m05s  message}.
 *
 * <p>On a terminal the line is redrawn in place at most ten times a second; elsewhere (a log file, a
 * pipe, a test) a plain line is printed at every tenth of the way and at most every 15 seconds,
 * so logs stay short. The rate and ETA are measured from the first update, so warm-up work done
 * before it does not count.
 */
public final class ProgressBar implements ProgressListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_NANOS = 15_000_000_000L;
    private static final int WIDTH = 24;

    private final Console console;
    private final String label;
    private final LongSupplier clock;
    private long startNanos = -1;
    private long startDone;
    private boolean drawn;
    private long lastDrawNanos;
    private long lastPlainDecile = -1;
    private boolean finished;
    private boolean redraw;
    private long lastDone;
    private long lastTotal;
    private String lastMessage = "";

    ProgressBar(Console console, String label, LongSupplier clock) {
        this.console = console;
        this.label = label;
        this.clock = clock;
    }

    @Override
    public synchronized void update(long done, long total, String message) {
        long now = clock.getAsLong();
        if (startNanos < 0) {
            startNanos = now;
            startDone = done;
        }
        lastDone = done;
        lastTotal = total;
        lastMessage = message == null ? "" : message;
        boolean complete = total >= 0 && done >= total;
        if (finished) {
            return;
        }
        if (console.interactive()) {
            if (complete || redraw || !drawn || now - lastDrawNanos >= REDRAW_NANOS) {
                draw(now, complete);
            }
        } else {
            long decile = total > 0 ? done * 10 / total : -1;
            if (complete || (!drawn && total >= 0) || decile > lastPlainDecile
                    || (drawn ? now - lastDrawNanos : now - startNanos) >= PLAIN_NANOS) {
                lastPlainDecile = Math.max(lastPlainDecile, decile);
                draw(now, complete);
            }
        }
    }

    /** Ends the bar (draws the final state on its own line) if it is not complete yet. */
    public synchronized void finish() {
        if (!finished && startNanos >= 0) {
            draw(clock.getAsLong(), true);
        }
        finished = true;
    }

    void redrawLater() {
        redraw = true;
    }

    private void draw(long now, boolean complete) {
        drawn = true;
        lastDrawNanos = now;
        redraw = false;
        if (complete) {
            finished = true;
        }
        console.drawBar(this, render(now), complete);
    }

    /** The text of the bar at time {@code now}. */
    String render(long now) {
        var line = new StringBuilder(label).append(' ');
        if (lastTotal > 0) {
            int filled = (int) Math.min(WIDTH, lastDone * WIDTH / lastTotal);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            line.append(lastDone).append('/').append(lastTotal);
        } else {
            line.append(lastDone);
        }
        double seconds = (now - startNanos) / 1e9;
        long doneHere = lastDone - startDone;
        if (seconds > 0 && doneHere > 0) {
            double rate = doneHere / seconds;
            line.append("  ").append(formatRate(rate));
            if (lastTotal > 0 && lastDone < lastTotal) {
                line.append("  ETA ").append(formatDuration((lastTotal - lastDone) / rate));
            } else if (lastTotal > 0) {
                line.append("  in ").append(formatDuration(seconds));
            }
        }
        if (!lastMessage.isEmpty()) {
            line.append("  ").append(lastMessage);
        }
        return line.toString();
    }

    static String formatRate(double perSecond) {
        if (perSecond >= 1) {
            return String.format(Locale.ROOT, "%.1f/s", perSecond);
        }
        return String.format(Locale.ROOT, "%.1fs each", 1 / perSecond);
    }

    /** {@code 4s}, {@code 1m05s}, {@code 2h03m}. */
    public static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
