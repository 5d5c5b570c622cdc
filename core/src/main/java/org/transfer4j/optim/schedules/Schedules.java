package org.transfer4j.optim.schedules;

import org.transfer4j.optim.LearningRateSchedule;

/** Adapters and helpers for {@link LearningRateSchedule}s. */
public final class Schedules {
    private Schedules() {
    }

    /**
     * An epoch-based schedule driven by the optimizer step: it sees {@code step / stepsPerEpoch} (integer
     * division), so the rate changes only at epoch boundaries. For example PyTorch's
     * {@code StepLR(step_size=30, gamma=0.1)} stepped once per epoch is
     * {@code perEpoch(new StepDecay(lr, 30, 0.1), stepsPerEpoch)}.
     */
    public static LearningRateSchedule perEpoch(LearningRateSchedule epochSchedule, long stepsPerEpoch) {
        ScheduleArgs.positive("perEpoch", "stepsPerEpoch", stepsPerEpoch);
        return step -> epochSchedule.rate(ScheduleArgs.step("perEpoch", step) / stepsPerEpoch);
    }

    /** The rates of steps {@code 0 .. steps-1}, e.g. to plot a schedule before training. */
    public static double[] sample(LearningRateSchedule schedule, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("sample: the number of steps must be >= 0, got " + steps);
        }
        double[] rates = new double[steps];
        for (int i = 0; i < steps; i++) {
            rates[i] = schedule.rate(i);
        }
        return rates;
    }
}
