package org.transfer4j.losses;

import java.util.Arrays;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code SparseCategoricalCrossentropy(from_logits)}: categorical cross-entropy whose targets are
 * class indices, {@code predictions (N,C), labels (N) in [0, C) -> loss ()}.
 * <pre>
 *   loss_i = -log softmax(x_i)_{y_i}                             from logits
 *   loss_i = -log clip(x_i / sum_c x_ic, 1e-7, 1 - 1e-7)_{y_i}   from probabilities (as Keras)
 *   L      = sum_i loss_i / N                                    "sum_over_batch_size"
 * </pre>
 * That is {@link CategoricalCrossentropy} with one-hot targets. The Keras API docs give, for
 * {@code y_true = [1, 2]}, {@code y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]}:
 * {@code SparseCategoricalCrossentropy()(y_true, y_pred) = 1.177}.
 *
 * <p>Labels come as an {@code int[]} or as a tensor of indices of shape {@code (N)} or {@code (N,1)}
 * (Keras' two spellings), whose values must be whole numbers; a tensor is downloaded to read them.
 */
public final class SparseCategoricalCrossentropy implements Loss {
    private static final String NAME = "SparseCategoricalCrossentropy";
    private final boolean fromLogits;

    /** Keras' default: {@code from_logits=False}. */
    public SparseCategoricalCrossentropy() {
        this(false);
    }

    public SparseCategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    /** {@code predictions (N,C), labels (N) or (N,1) holding class indices -> loss ()}. */
    @Override
    public Tensor compute(Tensor predictions, Tensor labels) {
        predictions.ensureOpen(NAME);
        labels.ensureOpen(NAME);
        int[] l = labels.shape();
        boolean column = l.length == 2 && l[1] == 1;
        if (predictions.rank() != 2 || !(l.length == 1 || column) || l[0] != predictions.shape(0)) {
            throw ShapeMismatchException.of(NAME, "needs predictions (N,C) and labels (N) or (N,1)",
                    predictions.shape(), l);
        }
        float[] values = labels.toArray();
        int[] indices = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(NAME + ": label at index " + i + " is " + v
                        + ", not a class index (a whole number)");
            }
            indices[i] = (int) v;
        }
        return compute(predictions, indices);
    }

    /** {@code predictions (N,C), labels (N) in [0, C) -> loss ()}. */
    public Tensor compute(Tensor predictions, int[] labels) {
        predictions.ensureOpen(NAME);
        int[] p = predictions.shape();
        if (p.length != 2 || p[0] != labels.length) {
            throw ShapeMismatchException.of(NAME, "needs predictions (N,C) and N labels", p, new int[] {labels.length});
        }
        if (p[0] == 0 || p[1] == 0) {
            throw ShapeMismatchException.of(NAME, "needs at least one sample and one class", p);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= p[1]) {
                throw new IllegalArgumentException(NAME + ": label " + labels[i] + " at index " + i
                        + " is out of range [0, " + p[1] + ") for predictions " + Arrays.toString(p));
            }
        }
        if (fromLogits) {
            return SoftmaxCrossEntropy.sparse(predictions, labels);
        }
        Tensor oneHot = Gather.oneHot(predictions.device(), labels, p[1]);
        return CategoricalCrossentropy.fromProbabilities(predictions, oneHot, 0f);
    }

    @Override
    public String name() {
        return "sparse_categorical_crossentropy";
    }

    @Override
    public String toString() {
        return "SparseCategoricalCrossentropy(fromLogits=" + fromLogits + ")";
    }
}
