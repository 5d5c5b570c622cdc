package org.transfer4j.metrics;

/**
 * Top-k accuracy, as Keras {@code TopKCategoricalAccuracy(k)} and {@code SparseTopKCategoricalAccuracy(k)}:
 * the fraction of samples whose true class is among the k highest scores of {@code predictions (N,C)}.
 *
 * <p>Ties, as {@code tf.math.in_top_k} ("if multiple classes have the same prediction value and straddle
 * the top-k boundary, all of those classes are considered to be in the top k"): a sample is a hit when
 * <em>fewer than k</em> classes score strictly higher than its true class. So with {@code k = 1} a true
 * class tied for the maximum is a hit, where {@link Accuracy} (first argmax) may count a miss. With
 * {@code k >= C} every sample is a hit. Infinite scores are compared as numbers; NaN is rejected.
 */
public final class TopKAccuracy extends HitRate {
    private final int k;

    /** Keras' default {@code k = 5}. */
    public TopKAccuracy() {
        this(5);
    }

    public TopKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("TopKAccuracy: k must be at least 1, got " + k);
        }
        this.k = k;
    }

    public int k() {
        return k;
    }

    /** A hit: fewer than k classes score strictly higher than the true class (see the class comment). */
    @Override
    boolean hit(ScoredBatch batch, int row) {
        return batch.strictlyAboveLabel(row) < k;
    }

    @Override
    String label() {
        return "TopKAccuracy(k=" + k + ")";
    }

    /** The samples whose true class was in the top k, since the last reset. */
    public long hits() {
        return hitCount();
    }

    /** {@code "top_5_accuracy"} for k = 5. */
    @Override
    public String name() {
        return "top_" + k + "_accuracy";
    }
}
