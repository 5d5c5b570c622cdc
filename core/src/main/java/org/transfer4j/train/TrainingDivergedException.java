package org.transfer4j.train;

/**
 * Training produced a non-finite loss, gradient or weight. It names the epoch (1-based, across phases),
 * the step within it (1-based) and, where one is at fault, the first offending parameter in model order
 * ({@link org.transfer4j.nn.Weight#path()}). The weights were not updated from the offending step's
 * gradients, and the checkpoint callback wrote nothing after it, so the last checkpoint is the last good state.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final int step;
    private final String parameter;

    TrainingDivergedException(String message, int epoch, int step, String parameter) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.parameter = parameter;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }

    /** The path of the first non-finite gradient or weight, e.g. {@code dense/kernel}; null when none was (the inputs or the loss overflowed). */
    public String parameter() {
        return parameter;
    }
}
