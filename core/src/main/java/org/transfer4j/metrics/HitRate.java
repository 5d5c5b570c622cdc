package org.transfer4j.metrics;

import java.util.Locale;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link Accuracy} and {@link TopKAccuracy} share: the fraction of samples that are hits, counted
 * over batches; a subclass only says what a hit is.
 */
abstract sealed class HitRate implements Metric permits Accuracy, TopKAccuracy {
    private long hits;
    private long count;

    /** Whether this row of the batch counts as a hit. */
    abstract boolean hit(ScoredBatch batch, int row);

    /** How error messages name the metric, e.g. {@code "TopKAccuracy(k=5)"}. */
    abstract String label();

    @Override
    public void update(Tensor predictions, Tensor targets) {
        add(ScoredBatch.of(label(), predictions, targets));
    }

    @Override
    public void update(Tensor predictions, int[] labels) {
        add(ScoredBatch.of(label(), predictions, labels));
    }

    /**
     * Adds a batch whose predictions are already on the host: {@code scores} holds {@code (N,C)} row-major, with
     * {@code N = labels.length} and labels in {@code [0, C)}; as {@link #update(Tensor, int[])} otherwise. For a
     * caller that read the scores together with other values in one transfer (the training loop).
     */
    public void update(float[] scores, int classes, int[] labels) {
        add(ScoredBatch.ofHost(label(), scores, classes, labels));
    }

    private void add(ScoredBatch batch) {
        for (int i = 0; i < batch.rows; i++) {
            if (hit(batch, i)) {
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

    /** The samples counted since the last reset. */
    public long count() {
        return count;
    }

    /** The hits among them (published by each subclass under its own name). */
    final long hitCount() {
        return hits;
    }

    /** e.g. {@code "accuracy 0.7500 (3/4)"}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %.4f (%d/%d)", name(), result(), hits, count);
    }
}
