package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.backend.Backend;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Softmax cross-entropy on logits, as Keras {@code CategoricalCrossentropy(from_logits=True)} with the
 * default reduction {@code sum_over_batch_size}:
 * {@code logits (N,C), targets (N,C), classWeights (C) or null -> loss ()}
 * <pre>
 *   t'_i   = t_i (1 - ls) + ls / C                  label smoothing (ls = 0: none)
 *   loss_i = -sum_c t'_ic log softmax(logits_i)_c   fused, stable backend primitive
 *   w_i    = sum_c t_ic classWeights_c              t before smoothing; 1 without class weights
 *   L      = sum_i w_i loss_i / N                   divided by N, not by sum_i w_i (Keras semantics)
 * </pre>
 * Backward: {@code dlogits_i = (softmax(logits_i) - t'_i) w_i dL / N}, from the probabilities the
 * forward pass saved, in one backend primitive ({@link Backend#softmaxCrossEntropyBackward}). Targets and class weights are constants: no gradient flows to them, even when
 * they require grad (only {@code logits} is recorded as an input).
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    public static Tensor loss(Tensor logits, Tensor targets) {
        return loss(logits, targets, 0f, null);
    }

    public static Tensor loss(Tensor logits, Tensor targets, float labelSmoothing, Tensor classWeights) {
        int[] shape = checkShapes(logits, targets, labelSmoothing, classWeights);
        int n = shape[0];
        int c = shape[1];
        Tensor smoothed;
        Tensor weights; // (N, 1) or null
        Backend.SoftmaxCrossEntropy fused;
        Tensor y;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor t = targets.detach();
            smoothed = labelSmoothing == 0f ? t.contiguous() : Unary.affine(t, 1f - labelSmoothing, labelSmoothing / c);
            weights = classWeights == null ? null
                    : Reduce.sum(Arithmetic.mul(t, classWeights.detach()), new int[] {1}, true);
            fused = logits.backend().softmaxCrossEntropy(logits.detach().contiguous(), smoothed);
            Tensor perRow = fused.loss(); // (N)
            if (weights != null) {
                perRow = Arithmetic.mul(perRow, weights.reshape(n));
            }
            y = Reduce.mean(perRow, null, false); // the sum times 1/N, in one backend call
        }
        Tensor probs = fused.probabilities();
        // One backend primitive (one launch on a GPU) for sub, the weights' and g's products and the 1/N scaling;
        // g is the scalar loss's gradient, read on the device
        return Autograd.record("softmaxCrossEntropy", y, g -> new Tensor[] {
            probs.backend().softmaxCrossEntropyBackward(probs, smoothed, weights, g, 1f / n)}, logits);
    }

    public static Tensor sparse(Tensor logits, int[] labels) {
        return sparse(logits, labels, 0f, null);
    }

    /**
     * As {@link #loss} with one-hot targets: {@code logits (N,C), labels (N) in [0, C)} (Keras
     * {@code SparseCategoricalCrossentropy(from_logits=True)}, plus label smoothing).
     */
    public static Tensor sparse(Tensor logits, int[] labels, float labelSmoothing, Tensor classWeights) {
        logits.ensureOpen("sparseSoftmaxCrossEntropy");
        if (logits.rank() != 2 || logits.shape(0) != labels.length) {
            throw ShapeMismatchException.of("sparseSoftmaxCrossEntropy", "needs logits (N,C) and N labels",
                    logits.shape(), new int[] {labels.length});
        }
        Tensor targets = Gather.oneHot(logits.device(), labels, logits.shape(1));
        return loss(logits, targets, labelSmoothing, classWeights);
    }

    /** Returns {N, C} after checking the contract. */
    private static int[] checkShapes(Tensor logits, Tensor targets, float labelSmoothing, Tensor classWeights) {
        String op = "softmaxCrossEntropy";
        if (classWeights == null) {
            OpChecks.sameDevice(op, logits, targets);
        } else {
            OpChecks.sameDevice(op, logits, targets, classWeights);
        }
        int[] shape = logits.shape();
        if (shape.length != 2 || !java.util.Arrays.equals(shape, targets.shape())) {
            throw ShapeMismatchException.of(op, "needs logits (N,C) and targets of the same shape", shape,
                    targets.shape());
        }
        if (shape[0] == 0 || shape[1] == 0) {
            throw ShapeMismatchException.of(op, "needs at least one row and one class", shape);
        }
        if (classWeights != null && (classWeights.rank() != 1 || classWeights.shape(0) != shape[1])) {
            throw ShapeMismatchException.of(op, "class weights must have shape (C)", shape, classWeights.shape());
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        return shape;
    }
}
