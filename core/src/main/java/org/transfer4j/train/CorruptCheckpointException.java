package org.transfer4j.train;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that is truncated, corrupt, or not a checkpoint at all; the message names the file. */
public final class CorruptCheckpointException extends IOException {
    private final transient Path file;
    private final String problem;

    CorruptCheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + " is unreadable: " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    /** What is wrong with the file, without its name (e.g. "it is truncated (120 bytes)"). */
    public String problem() {
        return problem;
    }
}
