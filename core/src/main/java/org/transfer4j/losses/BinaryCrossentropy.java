package org.transfer4j.losses;

import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code BinaryCrossentropy(from_logits, label_smoothing)}: elementwise binary cross-entropy,
 * {@code predictions (N, ...), targets (N, ...) in [0, 1] -> loss ()}, the mean over all elements
 * (Keras' mean over the last axis, then "sum_over_batch_size" over the samples: the same number).
 * <pre>
 *   z'  = z (1 - ls) + 0.5 ls                          Keras label smoothing (towards 0.5)
 *   logits x:        l = max(x, 0) - x z' + log(1 + exp(-|x|))
 *   probabilities p: p' = clip(p, 1e-7, 1 - 1e-7),  l = -(z' log p' + (1 - z') log(1 - p'))
 *   L   = mean of l over all elements
 * </pre>
 * The logits formula is {@code tf.nn.sigmoid_cross_entropy_with_logits}, which never overflows:
 * {@code exp(-|x|) <= 1}. It is written here with {@code max(x, 0) = (x + |x|) / 2}, which has the same
 * value but the right gradient at exactly {@code x = 0}: the primitives take the derivative of ReLU and
 * of {@code |x|} at 0 as 0, which would give {@code dl/dx = -z'} there instead of
 * {@code sigmoid(0) - z' = 0.5 - z'} (and zero logits are common: a zero-initialised head).
 *
 * <p>The Keras API docs give {@code BinaryCrossentropy(from_logits=True)} of {@code y_true = [0, 1, 0, 0]},
 * {@code y_pred = [-18.6, 0.51, 2.94, -12.8]} as 0.865, and {@code BinaryCrossentropy()} of
 * {@code y_true = [[0, 1], [0, 0]]}, {@code y_pred = [[0.6, 0.4], [0.4, 0.6]]} as 0.815.
 */
public final class BinaryCrossentropy extends BaseCrossentropy {

    /** Keras' defaults: {@code from_logits=False, label_smoothing=0}. */
    public BinaryCrossentropy() {
        this(false, 0f);
    }

    public BinaryCrossentropy(boolean fromLogits) {
        this(fromLogits, 0f);
    }

    public BinaryCrossentropy(boolean fromLogits, float labelSmoothing) {
        super(fromLogits, labelSmoothing);
    }

    @Override
    public Tensor compute(Tensor predictions, Tensor targets) {
        LossArgs.sameShape("BinaryCrossentropy", predictions, targets);
        Tensor z = targets.detach();
        if (labelSmoothing != 0f) {
            z = Unary.affine(z, 1f - labelSmoothing, 0.5f * labelSmoothing);
        }
        Tensor elementwise = fromLogits ? fromLogits(predictions, z) : fromProbabilities(predictions, z);
        return Reduce.mean(elementwise, null, false);
    }

    /** {@code (x + |x|)/2 - x z + log(1 + exp(-|x|))}. */
    private static Tensor fromLogits(Tensor x, Tensor z) {
        Tensor abs = Unary.abs(x);
        Tensor relu = Unary.affine(Arithmetic.add(x, abs), 0.5f, 0f);
        Tensor softplusOfMinusAbs = Unary.log(Unary.affine(Unary.exp(Unary.neg(abs)), 1f, 1f));
        return Arithmetic.add(Arithmetic.sub(relu, Arithmetic.mul(x, z)), softplusOfMinusAbs);
    }

    /** {@code -(z log p + (1 - z) log(1 - p))} with p clipped to {@code [1e-7, 1 - 1e-7]}. */
    private static Tensor fromProbabilities(Tensor probabilities, Tensor z) {
        Tensor p = Unary.clamp(probabilities, LossArgs.EPSILON, 1f - LossArgs.EPSILON);
        Tensor positive = Arithmetic.mul(z, Unary.log(p));
        Tensor negative = Arithmetic.mul(Unary.affine(z, -1f, 1f), Unary.log(Unary.affine(p, -1f, 1f)));
        return Unary.neg(Arithmetic.add(positive, negative));
    }

    @Override
    public String name() {
        return "binary_crossentropy";
    }
}
