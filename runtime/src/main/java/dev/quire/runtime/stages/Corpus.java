package dev.quire.runtime.stages;

import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.DataConfig;
import dev.quire.runtime.demo.DemoCorpus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Loads the text of a {@code data:} section and cuts it into documents for tokenizer training. */
public final class Corpus {

    /** Documents handed to tokenizer trainers are about this long (whole lines, line ends kept). */
    private static final int DOCUMENT_CHARS = 1 << 14;

    private Corpus() {
    }

    /** The seed of the built-in corpus: the same text in every run, whatever the run's seed. */
    public static final long BUILTIN_SEED = 1337;

    /**
     * The corpus text.
     *
     * @throws QuireUserException if the file cannot be read or is not UTF-8
     */
    public static String load(DataConfig data) {
        if (data.builtin() != null) {
            return DemoCorpus.generate(BUILTIN_SEED, data.chars());
        }
        try {
            byte[] bytes = Files.readAllBytes(data.corpus());
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new QuireUserException("corpus " + data.corpus() + " is not valid UTF-8 text");
        } catch (IOException e) {
            throw new QuireUserException("cannot read corpus " + data.corpus() + ": " + e.getMessage());
        }
    }

    /**
     * The text as documents of whole lines (line ends kept), so that a trainer sees every character,
     * newlines included, exactly once.
     */
    public static Iterator<String> documents(String text) {
        List<String> documents = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + DOCUMENT_CHARS);
            if (end < text.length()) {
                int newline = text.indexOf('\n', end);
                end = newline < 0 ? text.length() : newline + 1;
            }
            documents.add(text.substring(start, end));
            start = end;
        }
        return documents.iterator();
    }
}
