package org.transfer4j.losses;

import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code MeanSquaredError}: {@code predictions (N, ...), targets (N, ...) -> loss ()},
 * {@code L = mean(square(y_true - y_pred))} over all elements (Keras' mean over the last axis, then
 * "sum_over_batch_size" over the samples: the same number). Gradient {@code dL/dy_pred = 2 (y_pred - y_true) / count}.
 * The Keras API docs give {@code y_true = [[0., 1.], [0., 0.]]}, {@code y_pred = [[1., 1.], [1., 0.]]} -> 0.5.
 */
public final class MeanSquaredError implements Loss {

    @Override
    public Tensor compute(Tensor predictions, Tensor targets) {
        LossArgs.sameShape("MeanSquaredError", predictions, targets);
        Tensor error = Arithmetic.sub(predictions, targets.detach());
        return Reduce.mean(Unary.pow(error, 2f), null, false);
    }

    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    public String toString() {
        return "MeanSquaredError()";
    }
}
