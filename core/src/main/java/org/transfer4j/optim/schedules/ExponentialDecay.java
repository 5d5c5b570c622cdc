package org.transfer4j.optim.schedules;

import org.transfer4j.optim.LearningRateSchedule;

/**
 * Keras' {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)}, which
 * the Keras documentation gives as
 * <pre>
 * def decayed_learning_rate(step):
 *     return initial_learning_rate * decay_rate ^ (step / decay_steps)
 * </pre>
 * "If the argument {@code staircase} is {@code True}, then {@code step / decay_steps} is an integer division
 * and the decayed learning rate follows a staircase function." Keras' example: {@code initial 0.1,
 * decay_steps=100000, decay_rate=0.96, staircase=True} decays by 0.96 every 100000 steps.
 *
 * @param initialRate the rate at step 0
 * @param decaySteps  steps per decay period ({@code >= 1})
 * @param decayRate   the factor per period ({@code > 0})
 * @param staircase   whether the exponent is floored to whole periods
 */
public record ExponentialDecay(double initialRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public ExponentialDecay {
        ScheduleArgs.rate("ExponentialDecay", "initialRate", initialRate);
        ScheduleArgs.positive("ExponentialDecay", "decaySteps", decaySteps);
        ScheduleArgs.positiveFactor("ExponentialDecay", "decayRate", decayRate);
    }

    /** Keras' default {@code staircase=False}: a smooth decay. */
    public ExponentialDecay(double initialRate, long decaySteps, double decayRate) {
        this(initialRate, decaySteps, decayRate, false);
    }

    @Override
    public double rate(long step) {
        ScheduleArgs.step("ExponentialDecay", step);
        double p = staircase ? (double) (step / decaySteps) : (double) step / decaySteps;
        return initialRate * Math.pow(decayRate, p);
    }
}
