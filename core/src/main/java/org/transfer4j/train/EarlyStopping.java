package org.transfer4j.train;

import java.util.IdentityHashMap;
import java.util.Map;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code EarlyStopping(monitor='val_loss', min_delta=0, patience=0, mode='auto',
 * restore_best_weights=False)}: stops training when the monitored metric has not improved for
 * {@code patience} epochs. Its rule is Keras 3's {@code on_epoch_end}:
 * <pre>
 * if restore_best_weights and best_weights is None: best_weights = weights   (the first epoch's, as a fallback)
 * wait += 1
 * if improves(current, best):            current + min_delta &lt; best (min), current - min_delta &gt; best (max)
 *     best = current; wait = 0; best_weights = weights
 * elif wait &gt;= patience and not the fit's first epoch: stop
 * </pre>
 * With {@code restoreBestWeights}, the best epoch's weights (every weight, batch-norm statistics included)
 * are put back when training ends, stopped or not, as in Keras 3. A resumed fit rebuilds {@code best} and
 * {@code wait} from the history; the weights of a best epoch before the resume are not kept in a
 * checkpoint, so then only a later improvement can be restored.
 */
public final class EarlyStopping implements Callback {
    private final MonitoredMetric monitor;
    private int patience;
    private boolean restoreBestWeights;

    private TrainingContext context;
    private int wait;
    private int bestEpoch;
    private int stoppedEpoch;
    private Map<Weight, Tensor> bestWeights;

    public EarlyStopping(String monitor) {
        this.monitor = new MonitoredMetric("EarlyStopping", monitor);
    }

    public EarlyStopping mode(MonitorMode value) {
        monitor.mode(value);
        return this;
    }

    public EarlyStopping patience(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + value);
        }
        this.patience = value;
        return this;
    }

    /** The least change that counts as an improvement (absolute; its sign is ignored, as in Keras). */
    public EarlyStopping minDelta(double value) {
        monitor.minDelta(Math.abs(value));
        return this;
    }

    public EarlyStopping restoreBestWeights(boolean value) {
        this.restoreBestWeights = value;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        context = ctx;
        monitor.reset();
        wait = 0;
        bestEpoch = 0;
        stoppedEpoch = 0;
        bestWeights = null;
        for (int e = ctx.firstEpoch(); e <= ctx.history().epochs(); e++) {
            update(e, ctx.history().get(monitor.name(), e), false);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        update(epoch, monitor.read(logs), true);
    }

    private void update(int epoch, double current, boolean live) {
        if (live && restoreBestWeights && bestWeights == null) {
            bestWeights = snapshot();
        }
        wait++;
        if (monitor.update(current)) {
            bestEpoch = epoch;
            wait = 0;
            if (live && restoreBestWeights) {
                bestWeights = snapshot();
            }
            return;
        }
        if (wait >= patience && epoch > context.firstEpoch()) {
            stoppedEpoch = epoch;
            context.stopTraining();
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (restoreBestWeights && bestWeights != null) {
            bestWeights.forEach(Weight::assign);
        }
    }

    private Map<Weight, Tensor> snapshot() {
        Map<Weight, Tensor> copies = new IdentityHashMap<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Weight w : context.model().weights()) {
                copies.put(w, w.value().detach().copy());
            }
        }
        return copies;
    }

    /** The best value of the monitored metric so far. */
    public double best() {
        return monitor.best();
    }

    /** The epoch of {@link #best()} (0 before any improvement). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The epoch after which training was stopped, 0 if it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
