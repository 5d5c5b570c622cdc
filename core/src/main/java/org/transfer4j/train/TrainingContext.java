package org.transfer4j.train;

import java.util.List;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Optimizer;

/**
 * What a {@link Callback} sees of the run it is part of: the model, the optimizer, the history, where
 * this fit starts and ends, and a way to stop it after the current epoch.
 */
public final class TrainingContext {
    private final Model model;
    private final Optimizer optimizer;
    private final History history;
    private final List<String> classNames;
    private final Checkpoint.Position fit;
    private final boolean resumed;
    private int stepsPerEpoch;
    private boolean stopRequested;

    TrainingContext(Model model, Optimizer optimizer, History history, List<String> classNames,
                    Checkpoint.Position fit, boolean resumed) {
        this.model = model;
        this.optimizer = optimizer;
        this.history = history;
        this.classNames = List.copyOf(classNames);
        this.fit = fit;
        this.resumed = resumed;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The history this fit records into (earlier phases included). */
    public History history() {
        return history;
    }

    public List<String> classNames() {
        return classNames;
    }

    /**
     * The first epoch (1-based, across phases) of this fit. For a resumed fit it is the first epoch of the
     * fit that was interrupted, so {@code firstEpoch() .. history().epochs()} are the epochs already done.
     */
    public int firstEpoch() {
        return fit.fitFirstEpoch();
    }

    /** The epoch this fit ends with unless a callback stops it. */
    public int lastEpoch() {
        return fit.fitLastEpoch();
    }

    /** Whether this fit carries on from a checkpoint. */
    public boolean resumed() {
        return resumed;
    }

    public int batchSize() {
        return fit.batchSize();
    }

    /** The run seed the epochs' orders derive from ({@link EpochOrder#epochSeed}). */
    public long seed() {
        return fit.seed();
    }

    /** Batches in the current epoch (0 before the first epoch begins). */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    void stepsPerEpoch(int steps) {
        this.stepsPerEpoch = steps;
    }

    /** Asks the trainer to stop after the current epoch (Keras' {@code model.stop_training = True}). */
    public void stopTraining() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * The whole training state after epoch {@code history().epochs()}: to call from
     * {@link Callback#onEpochEnd}, when the weights are those of the end of that epoch.
     */
    public Checkpoint checkpoint() {
        Checkpoint.Position at = new Checkpoint.Position(history.epochs(), fit.fitFirstEpoch(), fit.fitLastEpoch(),
                fit.seed(), fit.batchSize());
        return Checkpoint.capture(model, optimizer, history, classNames, at);
    }
}
