package org.transfer4j.losses;

import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code CategoricalCrossentropy(from_logits, label_smoothing)}:
 * {@code predictions (N,C), targets (N,C) one-hot or distributions -> loss ()}.
 * <pre>
 *   t'     = t (1 - ls) + ls / C                               Keras label smoothing (ls = 0: none)
 *   logits:        loss_i = -sum_c t'_ic log softmax(x_i)_c     stable, {@link SoftmaxCrossEntropy}
 *   probabilities: p_i = clip(x_i / sum_c x_ic, 1e-7, 1 - 1e-7) Keras: rows normalised, then clipped
 *                  loss_i = -sum_c t'_ic log p_ic
 *   L      = sum_i loss_i / N                                  "sum_over_batch_size"
 * </pre>
 * The Keras API docs give, for {@code y_true = [[0, 1, 0], [0, 0, 1]]},
 * {@code y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]}: per-sample losses {@code [0.0513, 2.303]} and
 * {@code CategoricalCrossentropy()(y_true, y_pred) = 1.177}. The normalise-then-clip order is the one of
 * Keras 3's backends ({@code keras/src/backend/numpy/nn.py categorical_crossentropy}).
 *
 * <p>From probabilities, predictions should be non-negative with a positive row sum (a softmax output);
 * they are not checked, since that would download every batch from the device. The clip's gradient is 0
 * outside {@code (1e-7, 1 - 1e-7)}, so a probability clipped there no longer learns, as in Keras.
 */
public final class CategoricalCrossentropy extends BaseCrossentropy {

    /** Keras' defaults: {@code from_logits=False, label_smoothing=0}. */
    public CategoricalCrossentropy() {
        this(false, 0f);
    }

    public CategoricalCrossentropy(boolean fromLogits) {
        this(fromLogits, 0f);
    }

    public CategoricalCrossentropy(boolean fromLogits, float labelSmoothing) {
        super(fromLogits, labelSmoothing);
    }

    @Override
    public Tensor compute(Tensor predictions, Tensor targets) {
        LossArgs.rowsOfClasses("CategoricalCrossentropy", predictions, targets);
        if (fromLogits) {
            return SoftmaxCrossEntropy.loss(predictions, targets, labelSmoothing, null);
        }
        return fromProbabilities(predictions, targets.detach(), labelSmoothing);
    }

    /** The probability branch, for {@code probabilities (N,C)} and constant {@code targets (N,C)}. */
    static Tensor fromProbabilities(Tensor probabilities, Tensor targets, float labelSmoothing) {
        int n = probabilities.shape(0);
        int c = probabilities.shape(1);
        Tensor t = labelSmoothing == 0f ? targets : Unary.affine(targets, 1f - labelSmoothing, labelSmoothing / c);
        Tensor p = Arithmetic.div(probabilities, Reduce.sum(probabilities, new int[] {1}, true));
        p = Unary.clamp(p, LossArgs.EPSILON, 1f - LossArgs.EPSILON);
        Tensor total = Reduce.sum(Arithmetic.mul(t, Unary.log(p)), null, false);
        return Unary.affine(total, -1f / n, 0f);
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }
}
