package dev.quire.runtime.cli;

import dev.quire.api.QuireApi;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.console.Console;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code quire} command line.
 *
 * <p>Exit status: 0 on success; 2 for bad input (a pipeline file with an error, a missing file, a
 * plugin that cannot be used, a corrupted checkpoint, a wrong option), with the message on standard
 * error and nothing written; 1 for any other failure.
 */
@Command(name = "quire", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Build, train and sample small language models on the JVM.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Exit status: 0 success, 2 bad input (message on standard error, nothing written), 1 other failure."})
public final class Main implements Callable<Integer> {

    /** Exit status for bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit status for other failures. */
    public static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print the full stack trace of a failure.")
    boolean stacktrace;

    private Main() {
    }

    /** Runs {@code quire} and exits with its status. */
    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        var out = new PrintWriter(new java.io.OutputStreamWriter(System.out, stdoutCharset(charset)), true);
        var err = new PrintWriter(new java.io.OutputStreamWriter(System.err, stdoutCharset(charset)), true);
        int status = execute(args, out, err, Console.stderrIsTerminal());
        out.flush();
        err.flush();
        System.exit(status);
    }

    private static Charset stdoutCharset(Charset fallback) {
        String encoding = System.getProperty("stdout.encoding");
        try {
            return encoding == null ? fallback : Charset.forName(encoding);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /**
     * Runs {@code quire} with the given arguments, writing to {@code out} and {@code err}.
     *
     * @param interactive whether {@code err} is a terminal (progress redrawn in place)
     * @return the exit status
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, boolean interactive) {
        var console = new Console(out, err, interactive);
        var main = new Main();
        var cli = new CommandLine(main);
        cli.addSubcommand(new DemoCommand(console));
        cli.addSubcommand(new RunCommand(console));
        cli.addSubcommand(new PluginsCommand(console));
        cli.addSubcommand(new GenerateCommand(console));
        cli.addSubcommand(new RankCommand(console));
        cli.addSubcommand(new InspectCommand(console));
        cli.addSubcommand(new ExportCommand(console));
        cli.addSubcommand(new ImportCommand(console));
        cli.addSubcommand(new CommandLine(new BenchCommand())
                .addSubcommand(new BenchAttentionCommand(console))
                .addSubcommand(new BenchTrainCommand(console))
                .addSubcommand(new BenchTokenizerCommand(console))
                .addSubcommand(new BenchGenerateCommand(console))
                .addSubcommand(new BenchMatmulCommand(console))
                .addSubcommand(new BenchRecipeCommand(console)));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            console.err().flush();
            if (e instanceof QuireUserException) {
                console.note("quire: " + e.getMessage());
                if (main.stacktrace) {
                    e.printStackTrace(console.err());
                }
                return BAD_INPUT;
            }
            console.note("quire: failed: " + describe(e));
            if (main.stacktrace) {
                e.printStackTrace(console.err());
            } else {
                console.note("quire: run again with --stacktrace for the full stack trace");
            }
            return FAILURE;
        });
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    private static String describe(Throwable e) {
        var text = new StringBuilder(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        Throwable cause = e.getCause();
        int depth = 0;
        while (cause != null && cause != e && depth++ < 4) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        return text.toString();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** The version: the runtime's and the API's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String runtime = Main.class.getModule().getDescriptor() != null
                    ? Main.class.getModule().getDescriptor().rawVersion().orElse("0.1.0-SNAPSHOT") : "0.1.0-SNAPSHOT";
            return new String[] {"quire " + runtime + " (API " + QuireApi.VERSION + ", Java " + Runtime.version() + ")"};
        }
    }

    /** {@code quire bench}: groups the benchmarks. */
    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure speed.",
            commandListHeading = "%nBenchmarks:%n")
    static final class BenchCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return BAD_INPUT;
        }
    }
}
