package dev.quire.tensor;

/**
 * A safetensors file could not be read or written: the message names the file and what is wrong
 * (truncated, header length beyond the file, offsets out of range or overlapping, unknown dtype, ...).
 * Unchecked, so loading code stays readable; I/O failures arrive as this exception with the cause attached.
 */
public final class SafetensorsException extends RuntimeException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
