/**
 * Checkpoints as Protocol Buffers (schema {@code quire/checkpoint.proto}, format version 1, documented
 * in {@code docs/checkpoint-format.md}): {@link
 * dev.quire.runtime.checkpoint.Checkpoints} writes and validates the file format (a header with the tensor table,
 * then tensors as chunked, CRC32C-checked frames, then an end marker with the whole file's CRC32C;
 * written atomically and durably; read with every length, count and shape checked before allocating),
 * {@link dev.quire.runtime.checkpoint.ModelCheckpoints} maps a model, tokenizer, optimizer and
 * trainer state to and from it. Every problem with a file is a
 * {@link dev.quire.runtime.checkpoint.CheckpointException}.
 */
package dev.quire.runtime.checkpoint;
