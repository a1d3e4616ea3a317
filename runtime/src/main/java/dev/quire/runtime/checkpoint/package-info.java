/**
 * Checkpoints as Protocol Buffers (schema {@code quire/checkpoint.proto}): {@link
 * dev.quire.runtime.checkpoint.Checkpoints} writes and validates the file format (a header, then
 * tensors as chunked, CRC32C-checked frames, then an end marker; written atomically),
 * {@link dev.quire.runtime.checkpoint.ModelCheckpoints} maps a model, tokenizer, optimizer and
 * trainer state to and from it. Every problem with a file is a
 * {@link dev.quire.runtime.checkpoint.CheckpointException}.
 */
package dev.quire.runtime.checkpoint;
