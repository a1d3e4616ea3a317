package dev.quire.runtime.cli;

import dev.quire.api.ComponentDescriptor;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire plugins}: lists every component with where it came from. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every component found (built-in modules and plugin jars): kind, id, version, origin.")
final class PluginsCommand implements Callable<Integer> {

    private final Console console;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars to load as well.")
    Path plugins;

    @Option(names = "--descriptions", description = "Add each component's one-line description.")
    boolean descriptions;

    PluginsCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        try (var components = Discovery.discover(Optional.ofNullable(plugins), BuiltinStages.entries(new StageFactory()))) {
            var rows = new ArrayList<List<String>>();
            rows.add(descriptions ? List.of("KIND", "ID", "VERSION", "ORIGIN", "DESCRIPTION")
                    : List.of("KIND", "ID", "VERSION", "ORIGIN"));
            for (ComponentDescriptor d : components.catalog().descriptors()) {
                rows.add(descriptions ? List.of(d.kind().configName(), d.id(), d.version(), d.origin(), d.description())
                        : List.of(d.kind().configName(), d.id(), d.version(), d.origin()));
            }
            for (String line : table(rows)) {
                console.say(line);
            }
        }
        return 0;
    }

    /** Left-aligned columns separated by two spaces. */
    static List<String> table(List<List<String>> rows) {
        int columns = rows.getFirst().size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        var lines = new ArrayList<String>();
        for (List<String> row : rows) {
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                line.append(cell);
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - cell.length() + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
