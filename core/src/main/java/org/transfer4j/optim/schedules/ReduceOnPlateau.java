package org.transfer4j.optim.schedules;

import java.util.Arrays;
import java.util.Locale;
import org.transfer4j.optim.Optimizer;

/**
 * Keras' {@code ReduceLROnPlateau(monitor, factor=0.1, patience=10, mode='auto', min_delta=1e-4, cooldown=0,
 * min_lr=0)}: "if no improvement is seen for a 'patience' number of epochs, the learning rate is reduced",
 * {@code new_lr = lr * factor}, never below {@code min_lr}. It depends on the monitored metric, so unlike the
 * other schedules it is not a function of the step: feed it the metric once per epoch and give the rate it
 * returns to the optimizer ({@code optimizer.setBaseLearningRate(plateau.onEpochEnd(valLoss))}, or
 * {@link #onEpochEnd(double, Optimizer)}).
 *
 * <p>Its rule is Keras' {@code on_epoch_end}, step for step:
 * <pre>
 * if in cooldown: cooldown_counter -= 1; wait = 0
 * if metric improves on best by more than min_delta: best = metric; wait = 0
 * elif not in cooldown:
 *     wait += 1
 *     if wait &gt;= patience and lr &gt; min_lr:
 *         lr = max(lr * factor, min_lr); cooldown_counter = cooldown; wait = 0
 * </pre>
 * Note that the epoch whose decrement ends the cooldown already counts towards the patience again, as in
 * Keras. A NaN metric never improves.
 */
public final class ReduceOnPlateau {
    /** Whether the monitored metric should go down (a loss) or up (an accuracy). */
    public enum Mode {
        MIN, MAX;

        /** Keras' {@code mode='auto'}: {@code MAX} when the metric's name contains "acc", else {@code MIN}. */
        public static Mode forMetric(String metricName) {
            return metricName.toLowerCase(Locale.ROOT).contains("acc") ? MAX : MIN;
        }
    }

    private double factor = 0.1;
    private int patience = 10;
    private Mode mode = Mode.MIN;
    private double minDelta = 1e-4;
    private int cooldown;
    private double minRate;

    private double rate;
    private double best;
    private int wait;
    private int cooldownCounter;
    private double[] rates = new double[8];
    private double[] metrics = new double[8];
    private int epochs;

    /** Starts at {@code initialRate} with Keras' defaults, monitoring a metric to minimise. */
    public ReduceOnPlateau(double initialRate) {
        this.rate = ScheduleArgs.rate("ReduceOnPlateau", "initialRate", initialRate);
        reset();
    }

    /** {@code new_rate = rate * factor}; Keras requires {@code factor < 1}. */
    public ReduceOnPlateau factor(double value) {
        checkNotStarted("factor");
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("ReduceOnPlateau: factor must be in [0, 1), got " + value);
        }
        this.factor = value;
        return this;
    }

    /** Epochs without improvement after which the rate is reduced. */
    public ReduceOnPlateau patience(int value) {
        checkNotStarted("patience");
        if (value < 0) {
            throw new IllegalArgumentException("ReduceOnPlateau: patience must be >= 0, got " + value);
        }
        this.patience = value;
        return this;
    }

    public ReduceOnPlateau mode(Mode value) {
        checkNotStarted("mode");
        this.mode = value;
        reset();
        return this;
    }

    /** The least change that counts as an improvement (absolute, as in Keras). */
    public ReduceOnPlateau minDelta(double value) {
        checkNotStarted("minDelta");
        if (!(value >= 0)) {
            throw new IllegalArgumentException("ReduceOnPlateau: minDelta must be >= 0, got " + value);
        }
        this.minDelta = value;
        return this;
    }

    /** Epochs to wait after a reduction before counting epochs without improvement again. */
    public ReduceOnPlateau cooldown(int value) {
        checkNotStarted("cooldown");
        if (value < 0) {
            throw new IllegalArgumentException("ReduceOnPlateau: cooldown must be >= 0, got " + value);
        }
        this.cooldown = value;
        return this;
    }

    /** The floor of the rate (Keras' {@code min_lr}). */
    public ReduceOnPlateau minRate(double value) {
        checkNotStarted("minRate");
        this.minRate = ScheduleArgs.rate("ReduceOnPlateau", "minRate", value);
        return this;
    }

    /**
     * Records the metric of the epoch that just ended and returns the rate for the next epoch (the same
     * rate, or a reduced one).
     */
    public double onEpochEnd(double metric) {
        if (epochs == rates.length) {
            rates = Arrays.copyOf(rates, 2 * epochs);
            metrics = Arrays.copyOf(metrics, 2 * epochs);
        }
        rates[epochs] = rate;
        metrics[epochs] = metric;
        epochs++;

        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (improves(metric)) {
            best = metric;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= patience && rate > minRate) {
                rate = Math.max(rate * factor, minRate);
                cooldownCounter = cooldown;
                wait = 0;
            }
        }
        return rate;
    }

    /**
     * {@link #onEpochEnd(double)}, then sets {@code optimizer}'s base rate to the result. The optimizer must have
     * no schedule, which would overwrite the base rate at its next step.
     */
    public double onEpochEnd(double metric, Optimizer optimizer) {
        if (optimizer.schedule() != null) {
            throw new IllegalStateException("ReduceOnPlateau drives the base rate of "
                    + optimizer.getClass().getSimpleName() + ", which also has a schedule (" + optimizer.schedule() + ") that would overwrite it; "
                    + "remove the schedule with setSchedule(null)");
        }
        double next = onEpochEnd(metric);
        optimizer.setBaseLearningRate(next);
        return next;
    }

    private boolean improves(double metric) {
        return mode == Mode.MIN ? metric < best - minDelta : metric > best + minDelta;
    }

    /** Forgets the best metric and the counters, as Keras does at the start of {@code fit}; keeps the rate. */
    public void reset() {
        best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        wait = 0;
        cooldownCounter = 0;
    }

    /** The rate for the coming epoch. */
    public double currentRate() {
        return rate;
    }

    /** The best metric seen since the last {@link #reset}. */
    public double best() {
        return best;
    }

    /** How many epochs have been fed. */
    public int epochs() {
        return epochs;
    }

    /** For plotting: the rate in effect during each epoch fed so far, in order. */
    public double[] rateHistory() {
        return Arrays.copyOf(rates, epochs);
    }

    /** For plotting: the metric of each epoch fed so far, in order. */
    public double[] metricHistory() {
        return Arrays.copyOf(metrics, epochs);
    }

    private void checkNotStarted(String setting) {
        if (epochs > 0) {
            throw new IllegalStateException("ReduceOnPlateau: set " + setting + " before the first onEpochEnd");
        }
    }

    @Override
    public String toString() {
        return "ReduceOnPlateau(rate=" + rate + ", factor=" + factor + ", patience=" + patience + ", mode=" + mode
                + ", minDelta=" + minDelta + ", cooldown=" + cooldown + ", minRate=" + minRate + ")";
    }
}
