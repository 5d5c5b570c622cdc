package org.transfer4j.metrics;

import java.util.Locale;
import org.transfer4j.tensor.Tensor;

/**
 * Categorical accuracy, as Keras {@code CategoricalAccuracy} (one-hot targets) and
 * {@code SparseCategoricalAccuracy} (class indices): the fraction of samples whose predicted class,
 * the argmax of {@code predictions (N,C)}, equals the true class.
 *
 * <p>Ties: the predicted class is the <em>first</em> maximum of the row (numpy's and Keras' argmax), so
 * a row scoring the true class level with an earlier class counts as a miss. {@link TopKAccuracy} with
 * {@code k = 1} counts such a tie as a hit instead. The Keras docs give, for {@code y_true = [[0, 0, 1],
 * [0, 1, 0]]}, {@code y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]}, a result of 0.5.
 */
public final class Accuracy implements Metric {
    private long correct;
    private long count;

    @Override
    public void update(Tensor predictions, Tensor targets) {
        add(ScoredBatch.of("Accuracy", predictions, targets));
    }

    @Override
    public void update(Tensor predictions, int[] labels) {
        add(ScoredBatch.of("Accuracy", predictions, labels));
    }

    private void add(ScoredBatch batch) {
        for (int i = 0; i < batch.rows; i++) {
            if (batch.predicted(i) == batch.label(i)) {
                correct++;
            }
        }
        count += batch.rows;
    }

    /** {@code correct / count}, 0 before any sample. */
    @Override
    public double result() {
        return count == 0 ? 0.0 : (double) correct / count;
    }

    @Override
    public void reset() {
        correct = 0;
        count = 0;
    }

    public long correct() {
        return correct;
    }

    public long count() {
        return count;
    }

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f (%d/%d)", result(), correct, count);
    }
}
