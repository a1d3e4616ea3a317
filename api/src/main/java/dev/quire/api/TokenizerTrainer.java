package dev.quire.api;

import java.util.Iterator;

/**
 * Learns a tokenizer from a corpus. Reading the corpus once, in order, must be enough; trainers
 * keep statistics (counts), not the text, so that memory stays bounded by the vocabulary.
 */
public interface TokenizerTrainer {

    /**
     * Trains a tokenizer.
     *
     * @param documents the corpus, one document (or line, or chunk) per element, read once
     * @param progress  told how far training has come; may be {@link ProgressListener#NONE}
     * @return the trained tokenizer
     * @throws IllegalArgumentException if the corpus cannot produce a tokenizer (for example empty)
     */
    Tokenizer train(Iterator<String> documents, ProgressListener progress);
}
