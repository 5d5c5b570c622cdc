package org.transfer4j.metrics;

import java.util.Locale;
import org.transfer4j.tensor.Tensor;

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
public final class TopKAccuracy implements Metric {
    private final int k;
    private long hits;
    private long count;

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

    @Override
    public void update(Tensor predictions, Tensor targets) {
        add(ScoredBatch.of(metricName(), predictions, targets));
    }

    @Override
    public void update(Tensor predictions, int[] labels) {
        add(ScoredBatch.of(metricName(), predictions, labels));
    }

    private void add(ScoredBatch batch) {
        for (int i = 0; i < batch.rows; i++) {
            if (batch.strictlyAboveLabel(i) < k) {
                hits++;
            }
        }
        count += batch.rows;
    }

    /** {@code hits / count}, 0 before any sample. */
    @Override
    public double result() {
        return count == 0 ? 0.0 : (double) hits / count;
    }

    @Override
    public void reset() {
        hits = 0;
        count = 0;
    }

    public long hits() {
        return hits;
    }

    public long count() {
        return count;
    }

    /** {@code "top_5_accuracy"} for k = 5. */
    @Override
    public String name() {
        return "top_" + k + "_accuracy";
    }

    private String metricName() {
        return "TopKAccuracy(k=" + k + ")";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %.4f (%d/%d)", name(), result(), hits, count);
    }
}
