package dev.quire.benchmarks.kernels;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the kernel JMH benchmarks ({@link MatMulKernels}, {@link NnKernels}, {@link AdamWKernel}) and
 * prints, after JMH's own report, one line per benchmark with GFLOP/s for the matrix products, and last
 * one JSON object with every figure. Arguments are JMH's own ({@code -p shape=4096x1536x384},
 * {@code -f 2}, {@code -wi 5}, a regular expression selecting benchmarks, ...); with none it runs every
 * kernel benchmark of this package. See {@code docs/benchmarks.md} ("Kernel benchmarks (JMH)").
 */
public final class KernelBenchmarks {

    private KernelBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args.length == 0 ? new String[] {KernelBenchmarks.class.getPackageName()} : args);
        } catch (CommandLineOptionException e) {
            System.err.println("KernelBenchmarks: " + e.getMessage() + " (the arguments are JMH's: try -h)");
            System.exit(2);
            return;
        }
        if (options.shouldHelp() || options.shouldList()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.println();
        for (RunResult r : results) {
            var params = r.getParams();
            String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.', params.getBenchmark()
                    .lastIndexOf('.') - 1) + 1);
            double micros = r.getPrimaryResult().getScore();
            String unit = r.getPrimaryResult().getScoreUnit();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", name);
            StringBuilder line = new StringBuilder(name);
            for (String key : params.getParamsKeys()) {
                row.put(key, params.getParam(key));
                line.append(' ').append(key).append('=').append(params.getParam(key));
            }
            row.put("score", Math.round(micros * 100) / 100.0);
            row.put("unit", unit);
            line.append(String.format(Locale.ROOT, ": %.2f %s", micros, unit));
            if (name.startsWith("MatMulKernels.") && unit.equals("us/op")) {
                int[] mkn = shape(params.getParam("shape"));
                double gflops = 2.0 * mkn[0] * mkn[1] * mkn[2] / (micros * 1e3);
                row.put("gflops", Math.round(gflops * 10) / 10.0);
                line.append(String.format(Locale.ROOT, "  (%.1f GFLOP/s)", gflops));
            }
            System.out.println(line);
            rows.add(row);
        }
        System.out.println(json(rows));
    }

    /** {@code "MxKxN"} → {@code {m, k, n}}, failing with the text that was wrong. */
    static int[] shape(String text) {
        String[] parts = text.split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("shape '" + text + "': expected MxKxN (three positive integers, as 4096x384x1152)");
        }
        int[] mkn = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                mkn[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape '" + text + "': '" + parts[i] + "' is not an integer", e);
            }
            if (mkn[i] < 1) {
                throw new IllegalArgumentException("shape '" + text + "': sizes must be positive");
            }
        }
        return mkn;
    }

    /** {@code size} floats uniform in [-1, 1). */
    static float[] uniform(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    /** The rows as a JSON object {@code {"results": [...]}} (strings quoted, numbers as they are). */
    private static String json(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder("{\"results\": [");
        for (int i = 0; i < rows.size(); i++) {
            sb.append(i == 0 ? "{" : ", {");
            int j = 0;
            for (var e : rows.get(i).entrySet()) {
                sb.append(j++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ");
                Object v = e.getValue();
                if (v instanceof Number) {
                    sb.append(v);
                } else {
                    sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
            }
            sb.append('}');
        }
        return sb.append("]}").toString();
    }
}
