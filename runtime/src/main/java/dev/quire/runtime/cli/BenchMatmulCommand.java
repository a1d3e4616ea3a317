package dev.quire.runtime.cli;

import dev.quire.runtime.bench.MatMulBenchmark;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.console.Console;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quire bench matmul}: GFLOP/s of the matrix-multiply kernels; the last line is JSON. */
@Command(name = "matmul", mixinStandardHelpOptions = true,
        description = {"Speed of the matrix multiply C[m, n] = A[m, k]·B[k, n] in the nn, nt (B transposed) and tn "
                + "(A transposed) forms.",
                "The last line of standard output is one JSON object (gflops_nn, gflops_nt, gflops_tn, gflops = the lowest)."})
final class BenchMatmulCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--m", required = true, paramLabel = "M", description = "Rows of C.")
    int m;

    @Option(names = "--k", required = true, paramLabel = "K", description = "The inner dimension.")
    int k;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Columns of C.")
    int n;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "10",
            description = "Timed batches per form; the best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--min-ms", paramLabel = "MS", defaultValue = "100",
            description = "Least duration of a timed batch (default: ${DEFAULT-VALUE}).")
    int minMillis;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    BenchMatmulCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (m < 1 || k < 1 || n < 1 || (long) m * k > Integer.MAX_VALUE - 16 || (long) k * n > Integer.MAX_VALUE - 16
                || (long) m * n > Integer.MAX_VALUE - 16) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--m, --k and --n must be positive and each "
                    + "matrix must fit in one array");
        }
        if (repeats < 1 || minMillis < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeats and --min-ms must be >= 1");
        }
        Threads.apply(threads);
        Map<String, Object> result = MatMulBenchmark.run(m, k, n, repeats, minMillis);
        console.say(MatMulBenchmark.describe(result));
        console.say(Json.write(result));
        return 0;
    }
}
