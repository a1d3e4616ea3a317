package dev.quire.runtime.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A YAML file composed into nodes (with their line and column marks), never into Java objects:
 * the runtime binds nodes to types itself, so that every error can say where it is.
 */
public final class YamlDocument {

    /** Longest pipeline file accepted, in characters. */
    private static final int MAX_CHARS = 4 << 20;

    private final Path file;
    private final ConfigNode root;

    private YamlDocument(Path file, ConfigNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Reads and composes a YAML file.
     *
     * @param file the file, named in every error as given
     * @throws ConfigException if the file is missing, unreadable, not UTF-8, empty or malformed
     */
    public static YamlDocument read(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, 0, "", "no such file (looked at "
                    + file.toAbsolutePath().normalize() + ")");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, 0, "", "the file is not valid UTF-8 text");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file, 0, 0, "", "is a directory, not a pipeline file");
            }
            throw new ConfigException(file, 0, 0, "", "cannot read the file: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /**
     * Composes YAML text.
     *
     * @param file the name used in errors
     * @param text the YAML
     */
    public static YamlDocument parse(Path file, String text) {
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(file, 0, 0, "", "the file is " + text.length()
                    + " characters long; a pipeline file may have at most " + MAX_CHARS);
        }
        var settings = LoadSettings.builder()
                .setLabel(file.toString())
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(50)
                .setCodePointLimit(MAX_CHARS)
                .build();
        Optional<Node> node;
        try {
            // What api.lowlevel.Compose#composeString does; that package is not exported by the module.
            node = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode();
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            int line = mark.map(m -> m.getLine() + 1).orElse(0);
            int column = mark.map(m -> m.getColumn() + 1).orElse(0);
            String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new ConfigException(file, line, column, "", "malformed YAML: " + problem + context, e);
        } catch (YamlEngineException e) {
            throw new ConfigException(file, 0, 0, "", "malformed YAML: " + e.getMessage(), e);
        }
        if (node.isEmpty()) {
            throw new ConfigException(file, 0, 0, "", "the file is empty; a pipeline file is a mapping with at least 'stages'");
        }
        return new YamlDocument(file, new ConfigNode(file, node.get(), ""));
    }

    /** The file this document came from. */
    public Path file() {
        return file;
    }

    /** The root node. */
    public ConfigNode root() {
        return root;
    }
}
