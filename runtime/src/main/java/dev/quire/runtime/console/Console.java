package dev.quire.runtime.console;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where the command line writes: results and a stage's {@code say} lines to standard output,
 * progress bars and notes to standard error. Whether standard error is a terminal decides how
 * progress is drawn (a line redrawn in place, or a plain line now and then).
 */
public final class Console {

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private ProgressBar active;

    /**
     * @param out         standard output
     * @param err         standard error
     * @param interactive whether standard error is a terminal that understands {@code \r}
     */
    public Console(PrintWriter out, PrintWriter err, boolean interactive) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.interactive = interactive;
    }

    /** Whether this process's standard error is an interactive terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
    }

    /** Standard output. */
    public PrintWriter out() {
        return out;
    }

    /** Standard error. */
    public PrintWriter err() {
        return err;
    }

    /** Whether progress is redrawn in place. */
    public boolean interactive() {
        return interactive;
    }

    /** Prints a line on standard output (clearing a progress bar being drawn first). */
    public synchronized void say(String line) {
        clearBar();
        out.println(line);
        out.flush();
    }

    /** Prints a line on standard error (clearing a progress bar being drawn first). */
    public synchronized void note(String line) {
        clearBar();
        err.println(line);
        err.flush();
    }

    /** A new progress bar labelled {@code label}, drawn on standard error. */
    public ProgressBar progress(String label) {
        return new ProgressBar(this, label, System::nanoTime);
    }

    synchronized void drawBar(ProgressBar bar, String line, boolean done) {
        if (interactive) {
            err.print('\r');
            err.print(line);
            err.print("\u001b[K");
            if (done) {
                err.println();
                active = null;
            } else {
                active = bar;
            }
        } else {
            err.println(line);
        }
        err.flush();
    }

    private void clearBar() {
        if (interactive && active != null) {
            err.print("\r\u001b[K");
            err.flush();
            active.redrawLater();
        }
    }
}
