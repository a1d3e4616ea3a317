/**
 * Byte-level byte-pair encoding, the tokenizer with id {@code bpe}: its one job is to turn text into
 * token ids and back exactly as OpenAI's {@code tiktoken} ({@code r50k_base}, {@code cl100k_base},
 * {@code o200k_base}) and Hugging Face {@code tokenizers} (a {@code BPE} model behind a
 * {@code ByteLevel} pre-tokenizer) do, token for token, and to train such a vocabulary with the
 * semantics of Hugging Face's {@code BpeTrainer}.
 *
 * <p>It reads and writes tiktoken rank files and {@code tokenizer.json}; it has no dependency beyond
 * {@code dev.quire.api} and {@code dev.quire.json} (which reads and writes the JSON). Found by the
 * runtime through {@link dev.quire.api.ComponentProvider}; the package is exported so that code may
 * use {@link dev.quire.tokenizer.bpe.BpeTokenizer} directly.
 */
module dev.quire.tokenizer.bpe {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces
    requires dev.quire.json;

    exports dev.quire.tokenizer.bpe;

    provides dev.quire.api.ComponentProvider with dev.quire.tokenizer.bpe.BpeProvider;
}
