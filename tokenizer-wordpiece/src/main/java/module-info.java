/**
 * The WordPiece tokenizer, component id {@code wordpiece}: this module's one job is to turn text
 * into BERT-style WordPiece ids and back exactly as Hugging Face {@code tokenizers} does, and fast.
 *
 * <p>It provides Hugging Face's {@code BertNormalizer} and {@code BertPreTokenizer}, a WordPiece model
 * that runs in linear time (the LinMaxMatch trie with failure links of "Fast WordPiece
 * Tokenization", Song et al. 2021), the {@code [CLS] $A [SEP]} / pair template, truncation, padding
 * and offsets; it reads and writes {@code tokenizer.json} and {@code vocab.txt}, and trains a
 * vocabulary with the semantics of {@code tokenizers}' {@code WordPieceTrainer}.
 *
 * <p>Found by the runtime through {@link dev.quire.api.ComponentProvider}
 * ({@link dev.quire.tokenizer.wordpiece.WordPieceProvider}); the package is exported so that the
 * runtime can build {@link dev.quire.tokenizer.wordpiece.WordPieceOptions} from a pipeline file and so
 * that code may use {@link dev.quire.tokenizer.wordpiece.WordPieceTokenizer} directly.
 */
module dev.quire.tokenizer.wordpiece {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces
    requires dev.quire.json;            // tokenizer.json

    exports dev.quire.tokenizer.wordpiece;

    provides dev.quire.api.ComponentProvider with dev.quire.tokenizer.wordpiece.WordPieceProvider;
}
