package org.transfer4j.losses;

import org.transfer4j.tensor.Tensor;

/**
 * A training loss: {@code predictions, targets -> loss ()}, a scalar that {@code backward()} can
 * differentiate with respect to the predictions. The reduction is Keras' default
 * {@code "sum_over_batch_size"}: the mean of the per-sample losses over the batch. Targets are treated
 * as constants (no gradient flows to them, even when they require grad).
 */
public interface Loss {
    /** The scalar loss of a batch; the shapes each loss accepts are stated on its class. */
    Tensor compute(Tensor predictions, Tensor targets);

    /** Keras' name of the loss, e.g. {@code "categorical_crossentropy"}. */
    String name();
}
