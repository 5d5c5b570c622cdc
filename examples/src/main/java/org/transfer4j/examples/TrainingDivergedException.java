package org.transfer4j.examples;

import org.transfer4j.Transfer4jException;

/**
 * The training loss stopped being a finite number (usually a learning rate too large for the data): a
 * condition of the run, not a bug, so the command line reports its message alone, without a stack trace.
 */
public final class TrainingDivergedException extends Transfer4jException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
