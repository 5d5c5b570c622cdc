package org.transfer4j.optim.schedules;

import java.util.OptionalDouble;
import org.transfer4j.optim.LearningRateSchedule;

/**
 * Keras 3's {@code CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
 * warmup_steps=0)}: an optional linear warm-up from {@code initialRate} to {@code warmupTarget}, then a
 * cosine decay from there to {@code alpha} times it. The Keras documentation and source compute
 * <pre>
 * # warm-up, for step &lt; warmup_steps (only when warmup_target is set):
 *     initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
 * # decay, with initial_decay_lr = warmup_target, or initial_learning_rate without warm-up:
 *     step = min(step - warmup_steps, decay_steps)
 *     cosine_decay = 0.5 * (1 + cos(pi * step / decay_steps))
 *     decayed = (1 - alpha) * cosine_decay + alpha
 *     return initial_decay_lr * decayed
 * </pre>
 * (The docs' warm-up snippet leaves out the {@code + initial_learning_rate}; Keras' {@code _warmup_function}
 * adds it, and so do we.) After {@code warmupSteps + decaySteps} the rate stays at {@code alpha * peak}.
 *
 * <pre>
 * CosineDecay.of(0.1, 1000);                            // 0.1 -&gt; 0 over 1000 steps
 * CosineDecay.of(0.0, 1000).warmup(0.1, 1000);          // Keras' example: 0 -&gt; 0.1 in 1000, then -&gt; 0 in 1000
 * CosineDecay.of(1e-3, 5000).alpha(0.01);               // ends at 1e-5
 * </pre>
 */
public final class CosineDecay implements LearningRateSchedule {
    private final double initialRate;
    private final long decaySteps;
    private final double alpha;
    private final OptionalDouble warmupTarget;
    private final long warmupSteps;

    private CosineDecay(double initialRate, long decaySteps, double alpha, OptionalDouble warmupTarget,
                        long warmupSteps) {
        this.initialRate = ScheduleArgs.rate("CosineDecay", "initialRate", initialRate);
        this.decaySteps = ScheduleArgs.positive("CosineDecay", "decaySteps", decaySteps);
        this.alpha = ScheduleArgs.fraction("CosineDecay", "alpha", alpha);
        this.warmupTarget = warmupTarget;
        this.warmupSteps = warmupSteps;
    }

    /** A cosine decay from {@code initialRate} to 0 over {@code decaySteps}, without warm-up. */
    public static CosineDecay of(double initialRate, long decaySteps) {
        return new CosineDecay(initialRate, decaySteps, 0.0, OptionalDouble.empty(), 0);
    }

    /** The same decay ending at {@code alpha} times its starting rate instead of 0 ({@code 0 <= alpha <= 1}). */
    public CosineDecay alpha(double value) {
        return new CosineDecay(initialRate, decaySteps, value, warmupTarget, warmupSteps);
    }

    /**
     * The same schedule with a linear warm-up from the initial rate to {@code target} over {@code steps}
     * steps first; the decay then starts from {@code target}.
     */
    public CosineDecay warmup(double target, long steps) {
        ScheduleArgs.rate("CosineDecay", "warmup target", target);
        if (steps < 0) {
            throw new IllegalArgumentException("CosineDecay: warmup steps must be >= 0, got " + steps);
        }
        return new CosineDecay(initialRate, decaySteps, alpha, OptionalDouble.of(target), steps);
    }

    @Override
    public double rate(long step) {
        ScheduleArgs.step("CosineDecay", step);
        if (warmupTarget.isEmpty()) {
            return decayed(Math.min(step, decaySteps), initialRate);
        }
        double target = warmupTarget.getAsDouble();
        long s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) {
            return initialRate + (target - initialRate) * ((double) s / warmupSteps);
        }
        return decayed(s - warmupSteps, target);
    }

    private double decayed(long step, double from) {
        double cosine = 0.5 * (1 + Math.cos(Math.PI * step / decaySteps));
        return from * ((1 - alpha) * cosine + alpha);
    }

    public double initialRate() {
        return initialRate;
    }

    public long decaySteps() {
        return decaySteps;
    }

    public double alpha() {
        return alpha;
    }

    public OptionalDouble warmupTarget() {
        return warmupTarget;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    @Override
    public String toString() {
        return "CosineDecay(initialRate=" + initialRate + ", decaySteps=" + decaySteps + ", alpha=" + alpha
                + (warmupTarget.isPresent() ? ", warmupTarget=" + warmupTarget.getAsDouble() + ", warmupSteps="
                        + warmupSteps : "") + ")";
    }
}
