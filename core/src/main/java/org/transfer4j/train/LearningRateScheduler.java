package org.transfer4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.transfer4j.optim.schedules.ReduceOnPlateau;

/**
 * Sets the optimizer's base rate between epochs, for rules that are not a function of the step (those live
 * in the optimizer: {@code optimizer.setSchedule(...)}): {@link #onPlateau} feeds a {@link ReduceOnPlateau}
 * the monitored metric at each epoch end (Keras' {@code ReduceLROnPlateau}), {@link #perEpoch} sets
 * {@code rate(epoch)} at each epoch begin (Keras' {@code LearningRateScheduler}). The rate in effect is
 * recorded by the trainer as {@code lr}; with {@link #log} a change is also printed.
 *
 * <p>A resumed fit replays the history's metrics into a fresh {@code ReduceOnPlateau}, which is
 * deterministic, so it continues with the same rate, best value and patience count.
 */
public final class LearningRateScheduler implements Callback {
    private final ReduceOnPlateau plateau;
    private final String monitor;
    private final IntToDoubleFunction perEpoch;
    private PrintStream log;
    private TrainingContext context;

    private LearningRateScheduler(ReduceOnPlateau plateau, String monitor, IntToDoubleFunction perEpoch) {
        this.plateau = plateau;
        this.monitor = monitor;
        this.perEpoch = perEpoch;
    }

    /** Drives {@code plateau} with the metric {@code monitor} (e.g. {@code "val_loss"}); its initial rate should be the optimizer's. */
    public static LearningRateScheduler onPlateau(ReduceOnPlateau plateau, String monitor) {
        return new LearningRateScheduler(plateau, monitor, null);
    }

    /** Sets the base rate to {@code rate.applyAsDouble(epoch)} before each epoch (1-based, across phases). */
    public static LearningRateScheduler perEpoch(IntToDoubleFunction rate) {
        return new LearningRateScheduler(null, null, rate);
    }

    /** Prints a line to {@code out} whenever the rate changes. */
    public LearningRateScheduler log(PrintStream out) {
        this.log = out;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        context = ctx;
        if (ctx.optimizer().schedule() != null) {
            throw new IllegalStateException("LearningRateScheduler sets the base rate of an optimizer that also has the "
                    + "schedule " + ctx.optimizer().schedule() + ", which would overwrite it at every step; remove one");
        }
        if (plateau == null) {
            return;
        }
        plateau.reset(); // as Keras' ReduceLROnPlateau at the start of fit
        if (plateau.epochs() == 0 && ctx.firstEpoch() <= ctx.history().epochs()) {
            for (int e = ctx.firstEpoch(); e <= ctx.history().epochs(); e++) {
                plateau.onEpochEnd(ctx.history().get(monitor, e));
            }
            ctx.optimizer().setBaseLearningRate(plateau.currentRate());
        }
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        if (perEpoch != null) {
            set(epoch, perEpoch.applyAsDouble(epoch));
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (plateau != null) {
            double metric = MonitorMode.read(logs, monitor, "LearningRateScheduler");
            set(epoch, plateau.onEpochEnd(metric));
        }
    }

    private void set(int epoch, double rate) {
        double before = context.optimizer().baseLearningRate();
        context.optimizer().setBaseLearningRate(rate);
        if (log != null && rate != before) {
            log.println(String.format(Locale.ROOT, "Epoch %d: learning rate %s -> %s", epoch, before, rate));
        }
    }
}
