package dev.quire.runtime.checkpoint;

import dev.quire.runtime.QuireUserException;

/**
 * A checkpoint file that cannot be read (missing, truncated, corrupted, of an unknown format
 * version) or written. The message names the file and what is wrong with it.
 */
public final class CheckpointException extends QuireUserException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
