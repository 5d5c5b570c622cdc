package org.transfer4j.metrics;

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
public final class Accuracy extends HitRate {

    public Accuracy() {
    }

    @Override
    boolean hit(ScoredBatch batch, int row) {
        return batch.predicted(row) == batch.label(row);
    }

    @Override
    String label() {
        return "Accuracy";
    }

    /** The samples predicted correctly since the last reset. */
    public long correct() {
        return hitCount();
    }

    @Override
    public String name() {
        return "accuracy";
    }
}
