package org.transfer4j.optim;

/**
 * A learning rate as a pure function of the optimizer step (0, 1, 2, ...), so it can be plotted
 * before training. Per-epoch schedules are the same functions of {@code step / stepsPerEpoch}.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The base learning rate for this step. */
    double rate(long step);
}
