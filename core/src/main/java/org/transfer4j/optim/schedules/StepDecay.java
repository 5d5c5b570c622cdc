package org.transfer4j.optim.schedules;

import org.transfer4j.optim.LearningRateSchedule;

/**
 * PyTorch's {@code StepLR(optimizer, step_size, gamma=0.1)}: "Decays the learning rate of each parameter
 * group by gamma every step_size epochs", i.e.
 * <pre>
 * rate(step) = initialRate * gamma ^ floor(step / stepSize)
 * </pre>
 * PyTorch's own example: {@code lr = 0.05} if {@code epoch < 30}, {@code 0.005} if {@code 30 <= epoch < 60},
 * {@code 0.0005} if {@code 60 <= epoch < 90} for {@code StepLR(step_size=30, gamma=0.1)}. Here the argument
 * is the optimizer step; wrap it in {@link Schedules#perEpoch} to count epochs as PyTorch does.
 *
 * @param initialRate the rate for steps {@code 0 .. stepSize-1}
 * @param stepSize    the period of the decay, in steps ({@code >= 1})
 * @param gamma       the multiplicative factor applied every {@code stepSize} steps ({@code > 0})
 */
public record StepDecay(double initialRate, long stepSize, double gamma) implements LearningRateSchedule {

    public StepDecay {
        ScheduleArgs.rate("StepDecay", "initialRate", initialRate);
        ScheduleArgs.positive("StepDecay", "stepSize", stepSize);
        ScheduleArgs.positiveFactor("StepDecay", "gamma", gamma);
    }

    /** PyTorch's default {@code gamma = 0.1}. */
    public StepDecay(double initialRate, long stepSize) {
        this(initialRate, stepSize, 0.1);
    }

    @Override
    public double rate(long step) {
        ScheduleArgs.step("StepDecay", step);
        return initialRate * Math.pow(gamma, step / stepSize);
    }
}
