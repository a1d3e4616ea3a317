/**
 * WordPiece tokenization with Hugging Face's semantics, built like Hugging Face {@code tokenizers}
 * from small parts that can be swapped: {@link dev.quire.tokenizer.wordpiece.Normalizer}
 * ({@link dev.quire.tokenizer.wordpiece.BertNormalizer}) →
 * {@link dev.quire.tokenizer.wordpiece.PreTokenizer}
 * ({@link dev.quire.tokenizer.wordpiece.BertPreTokenizer}) → model
 * ({@link dev.quire.tokenizer.wordpiece.WordPiece}) →
 * {@link dev.quire.tokenizer.wordpiece.PostProcessor}
 * ({@link dev.quire.tokenizer.wordpiece.TemplateProcessing}) →
 * {@link dev.quire.tokenizer.wordpiece.Decoder}
 * ({@link dev.quire.tokenizer.wordpiece.WordPieceDecoder}), put together by
 * {@link dev.quire.tokenizer.wordpiece.WordPieceTokenizer}; training by
 * {@link dev.quire.tokenizer.wordpiece.WordPieceTrainer}; the pipeline component by
 * {@link dev.quire.tokenizer.wordpiece.WordPieceProvider}.
 */
package dev.quire.tokenizer.wordpiece;
