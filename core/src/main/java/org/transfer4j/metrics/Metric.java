package org.transfer4j.metrics;

import org.transfer4j.tensor.Tensor;

/**
 * A metric accumulated over batches, as a Keras {@code Metric} ({@code update_state}, {@code result},
 * {@code reset_state}): {@code predictions (N,C)} scores (logits or probabilities) and targets as class
 * indices or one-hot rows.
 */
public interface Metric {
    /** Adds a batch: {@code predictions (N,C)}, targets {@code (N)} or {@code (N,1)} class indices or {@code (N,C)} one-hot. */
    void update(Tensor predictions, Tensor targets);

    /** Adds a batch: {@code predictions (N,C)}, {@code labels (N)} in {@code [0, C)}. */
    void update(Tensor predictions, int[] labels);

    /** The value over every batch since the last reset (0 before any sample, as Keras' {@code divide_no_nan}). */
    double result();

    /** Forgets every batch. */
    void reset();

    /** The name under which the metric is logged, e.g. {@code "accuracy"}. */
    String name();
}
