package org.transfer4j.train;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Hooks into {@link Trainer#fit}, as Keras' {@code Callback}; every method does nothing unless overridden.
 * Epochs are numbered from 1 across the phases of a {@link History}; steps (batches) from 1 within an
 * epoch. {@code logs} are the metrics so far: at a batch end the running {@code loss} and {@code accuracy}
 * of the epoch and the batch {@code size}; at an epoch end everything the epoch records in the history.
 *
 * <p>A callback gets the run in {@link #onTrainBegin} ({@code model}, {@code optimizer}, {@code history},
 * {@link TrainingContext#stopTraining()}). A callback with state that depends on past epochs (a best
 * metric, a patience count) rebuilds it there from {@link TrainingContext#history()} for the epochs
 * {@link TrainingContext#firstEpoch()} .. {@code history().epochs()}, so a resumed run carries on with the
 * same state. For a one-liner, use {@link #onEpochEnd(BiConsumer)}.
 */
public interface Callback {

    /** Called once before the first epoch of a fit (or of a resumed fit). */
    default void onTrainBegin(TrainingContext context) {
    }

    /** Called once after the last epoch, when training ends normally or is stopped; not after an exception. */
    default void onTrainEnd(Map<String, Double> logs) {
    }

    default void onEpochBegin(int epoch, Map<String, Double> logs) {
    }

    /** {@code logs}: the epoch's metrics, as recorded in the history. */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    default void onBatchBegin(int step, Map<String, Double> logs) {
    }

    /** {@code logs}: the running {@code loss} and {@code accuracy} of the epoch, and the batch {@code size}. */
    default void onBatchEnd(int step, Map<String, Double> logs) {
    }

    /** A callback that only runs {@code action} at each epoch end. */
    static Callback onEpochEnd(BiConsumer<Integer, Map<String, Double>> action) {
        return new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                action.accept(epoch, logs);
            }
        };
    }

    /** A callback that only runs {@code action} at each batch end. */
    static Callback onBatchEnd(BiConsumer<Integer, Map<String, Double>> action) {
        return new Callback() {
            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                action.accept(step, logs);
            }
        };
    }
}
