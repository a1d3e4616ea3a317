package dev.quire.runtime.cli;

import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.proto.ComponentRef;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.checkpoint.proto.TensorHeader;
import dev.quire.runtime.console.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire inspect C}: prints a checkpoint's header and tensor table without reading the weights. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print a checkpoint's header (format, model configuration, tokenizer, components with their",
                "versions and origins, training state) and its tensor table, without reading the weights."})
final class InspectCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file.")
    Path file;

    @Option(names = "--verify", description = "Also read every tensor and check every checksum.")
    boolean verify;

    InspectCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Header header = Checkpoints.readHeader(file);
        long size = Files.size(file);
        for (String line : describe(file, size, header)) {
            console.say(line);
        }
        if (verify) {
            var checkpoint = Checkpoints.read(file);
            console.say("verified: " + checkpoint.tensors().size() + " tensors and the whole file pass their CRC32C checks");
        }
        return 0;
    }

    static List<String> describe(Path file, long size, Header h) {
        var lines = new ArrayList<String>();
        lines.add(String.format(Locale.ROOT, "checkpoint %s: %,d bytes, format version %d, written by Quire API %s at %s",
                file, size, h.getFormatVersion(), h.getApiVersion().isEmpty() ? "?" : p(h.getApiVersion()),
                h.getCreatedUnixMillis() == 0 ? "?" : Instant.ofEpochMilli(h.getCreatedUnixMillis()).toString()));
        var m = h.getModel();
        lines.add(String.format(Locale.ROOT, "model: vocabulary %d, %d layers, %d heads, width %d, context %d, bias %s, "
                        + "tied head %s, gelu %s", m.getVocabSize(), m.getLayers(), m.getHeads(), m.getWidth(),
                m.getContext(), m.getBias(), m.getTiedHead(), p(m.getGelu())));
        if (!m.getOptionsJson().isEmpty()) {
            lines.add("  options " + p(m.getOptionsJson()));
        }
        lines.add(String.format(Locale.ROOT, "tokenizer: %s, vocabulary %d, state %,d bytes",
                h.getTokenizer().getFactoryId().isEmpty() ? "(none)" : p(h.getTokenizer().getFactoryId()),
                h.getTokenizer().getVocabSize(), h.getTokenizer().getState().size()));
        lines.add("components:");
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("  ROLE", "KIND", "ID", "VERSION", "ORIGIN", "OPTIONS"));
        for (ComponentRef c : h.getComponentsList()) {
            rows.add(List.of("  " + p(c.getRole()), p(c.getKind()), p(c.getId()), p(c.getVersion()), p(c.getOrigin()),
                    c.getOptionsJson().isEmpty() ? "-" : p(c.getOptionsJson())));
        }
        lines.addAll(PluginsCommand.table(rows));
        lines.add(String.format(Locale.ROOT, "training: step %d of %d, random state %s, optimizer %s (%d scalars), "
                        + "best validation loss %s", h.getStep(), h.getTotalSteps(),
                h.getRngState().isEmpty() ? "none" : h.getRngState().size() + " bytes",
                h.getOptimizerId().isEmpty() ? "none" : p(h.getOptimizerId()), h.getOptimizerScalarsCount(),
                h.getBestValidationStep() < 0 ? "none" : String.format(Locale.ROOT, "%.4f at step %d",
                        h.getBestValidationLoss(), h.getBestValidationStep())));
        if (h.getMetadataCount() > 0) {
            var notes = new ArrayList<String>();
            new TreeMap<>(h.getMetadataMap()).forEach((k, v) -> notes.add(p(k) + "=" + p(v)));
            lines.add("metadata: " + String.join(", ", notes));
        }
        long values = 0;
        var table = new ArrayList<List<String>>();
        table.add(List.of("  NAME", "SHAPE", "DTYPE", "VALUES", "BYTES", "CHUNKS", "CRC32C"));
        for (TensorHeader t : h.getTensorsList()) {
            values += t.getElementCount();
            table.add(List.of("  " + p(t.getName()), t.getShapeList().toString().replace(" ", ""), t.getDtype(),
                    String.format(Locale.ROOT, "%,d", t.getElementCount()),
                    String.format(Locale.ROOT, "%,d", t.getElementCount() * Float.BYTES),
                    Integer.toUnsignedString(t.getChunkCount()), String.format("%08x", t.getCrc32C())));
        }
        lines.add(String.format(Locale.ROOT, "tensors: %d, %,d values, %,d bytes", h.getTensorsCount(), values,
                values * Float.BYTES));
        lines.addAll(PluginsCommand.table(table));
        return lines;
    }

    /** Text from the file, with control characters escaped (a hostile file cannot drive the terminal). */
    private static String p(String text) {
        var out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
