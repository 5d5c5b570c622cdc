package org.transfer4j.train;

/**
 * A checkpoint that does not fit the run asked to continue from it: other classes, other phases or epochs,
 * another batch size or seed, or a model or optimizer whose weights differ from the checkpoint's. It is
 * thrown before anything trains; the message says what differs.
 */
public final class CheckpointMismatchException extends IllegalArgumentException {
    CheckpointMismatchException(String message) {
        super(message);
    }

    CheckpointMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
