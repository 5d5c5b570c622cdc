package org.transfer4j.backend;

import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The argument checks every backend's {@link Backend#softmaxCrossEntropyBackward} makes before it computes:
 * {@code probabilities (N,C)}, {@code targets} of the same shape, {@code rowWeights (N,1)} or null, and a
 * {@code gradLoss} of one element.
 */
public final class SoftmaxCrossEntropyChecks {
    private SoftmaxCrossEntropyChecks() {
    }

    /**
     * Checks the shapes of {@link Backend#softmaxCrossEntropyBackward}'s arguments.
     *
     * @throws ShapeMismatchException naming the op and the shapes at fault
     */
    public static void backward(Tensor probabilities, Tensor targets, Tensor rowWeights, Tensor gradLoss) {
        String op = "softmaxCrossEntropyBackward";
        int[] shape = probabilities.shape();
        if (shape.length != 2 || !java.util.Arrays.equals(shape, targets.shape())) {
            throw ShapeMismatchException.of(op, "needs probabilities (N,C) and targets of the same shape", shape,
                    targets.shape());
        }
        if (rowWeights != null && (rowWeights.rank() != 2 || rowWeights.shape(0) != shape[0]
                || rowWeights.shape(1) != 1)) {
            throw ShapeMismatchException.of(op, "row weights must have shape (N,1) for probabilities (N,C)", shape,
                    rowWeights.shape());
        }
        if (gradLoss.numel() != 1) {
            throw ShapeMismatchException.of(op, "the loss's gradient must have one element", gradLoss.shape());
        }
    }
}
