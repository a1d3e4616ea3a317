/**
 * Byte-level BPE that gives tiktoken's and Hugging Face {@code tokenizers}' ids token for token.
 *
 * <ul>
 *   <li>{@link dev.quire.tokenizer.bpe.BpeTokenizer}: encoding (with offsets, special tokens, in
 *       parallel) and decoding (whole, or streaming with {@link dev.quire.tokenizer.bpe.StreamingDecoder});
 *       loads and saves tiktoken rank files and {@code tokenizer.json};</li>
 *   <li>{@link dev.quire.tokenizer.bpe.PreTokenizer}: the {@code r50k_base}, {@code cl100k_base} and
 *       {@code o200k_base} pre-tokenization rules as hand-written scanners;</li>
 *   <li>{@link dev.quire.tokenizer.bpe.BpeTrainer}: training with Hugging Face {@code BpeTrainer} semantics;</li>
 *   <li>{@link dev.quire.tokenizer.bpe.BpeProvider} and {@link dev.quire.tokenizer.bpe.BpeOptions}: the
 *       component {@code tokenizer: bpe}.</li>
 * </ul>
 *
 * <p><b>Stability.</b> The public types here are stable (they may gain methods and options with
 * defaults); everything package-private may change.
 */
package dev.quire.tokenizer.bpe;
