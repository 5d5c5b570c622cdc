package org.transfer4j.losses;

import java.util.Arrays;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** Checks of loss arguments shared by several losses. */
final class LossArgs {
    /** Keras' {@code backend.epsilon()}: probabilities are clipped to {@code [EPSILON, 1 - EPSILON]} before the log. */
    static final float EPSILON = 1e-7f;

    private LossArgs() {
    }

    static float labelSmoothing(String loss, float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new IllegalArgumentException(loss + ": labelSmoothing must be in [0, 1], got " + value);
        }
        return value;
    }

    /** Predictions (N,C) with N, C at least 1, and targets of the same shape. */
    static void rowsOfClasses(String loss, Tensor predictions, Tensor targets) {
        predictions.ensureOpen(loss);
        targets.ensureOpen(loss);
        int[] p = predictions.shape();
        if (p.length != 2 || !Arrays.equals(p, targets.shape())) {
            throw ShapeMismatchException.of(loss, "needs predictions (N,C) and targets of the same shape", p,
                    targets.shape());
        }
        if (p[0] == 0 || p[1] == 0) {
            throw ShapeMismatchException.of(loss, "needs at least one sample and one class", p);
        }
    }

    /** Predictions and targets of one shape, with at least one axis and one element. */
    static void sameShape(String loss, Tensor predictions, Tensor targets) {
        predictions.ensureOpen(loss);
        targets.ensureOpen(loss);
        int[] p = predictions.shape();
        if (!Arrays.equals(p, targets.shape())) {
            throw ShapeMismatchException.of(loss, "needs predictions and targets of the same shape", p, targets.shape());
        }
        if (p.length == 0 || predictions.numel() == 0) {
            throw ShapeMismatchException.of(loss, "needs a batch axis and at least one element", p);
        }
    }
}
