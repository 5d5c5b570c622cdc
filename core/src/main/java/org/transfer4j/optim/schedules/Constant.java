package org.transfer4j.optim.schedules;

import org.transfer4j.optim.LearningRateSchedule;

/** The same rate at every step: {@code rate(step) = value}. */
public record Constant(double value) implements LearningRateSchedule {

    public Constant {
        ScheduleArgs.rate("Constant", "value", value);
    }

    @Override
    public double rate(long step) {
        ScheduleArgs.step("Constant", step);
        return value;
    }
}
