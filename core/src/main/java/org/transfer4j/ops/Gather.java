package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Index selection along one axis (NumPy {@code take}, PyTorch {@code index_select}) and one-hot encoding.
 *
 * <p>{@code gather(x (..., n, ...), axis, indices (k)) -> y (..., k, ...)} with {@code y[..., j, ...] =
 * x[..., indices[j], ...]}. Indices may repeat. Backward: {@code dx = scatterAdd(dy)}, which adds each
 * slice of dy at its index, so a repeated index receives the sum of its slices' gradients.
 */
public final class Gather {
    private Gather() {
    }

    public static Tensor gather(Tensor x, int axis, int[] indices) {
        x.ensureOpen("gather");
        int a = Shape.axis("gather", axis, x.rank());
        int size = x.shape(a);
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] < 0 || indices[j] >= size) {
                throw ShapeMismatchException.of("gather", "index " + indices[j] + " at position " + j
                        + " is out of range [0, " + size + ") for axis " + axis, x.shape());
            }
        }
        int[] idx = indices.clone(); // the backward must see the indices of the forward, whatever the caller does later
        Tensor y = x.backend().gather(x.detach().contiguous(), a, idx); // detached: the copy is not recorded
        return Autograd.record("gather", y, g -> new Tensor[] {g.backend().scatterAdd(g, a, idx, size)}, x);
    }

    /** {@code labels (N) -> (N, classes)} on the CPU, row i all 0 but a 1 at column {@code labels[i]}. */
    public static Tensor oneHot(int[] labels, int classes) {
        return oneHot(Device.cpu(), labels, classes);
    }

    public static Tensor oneHot(Device device, int[] labels, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("oneHot: classes must be at least 1, got " + classes);
        }
        float[] v = new float[Math.multiplyExact(labels.length, classes)];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at position " + i
                        + " is out of range [0, " + classes + ")");
            }
            v[i * classes + labels[i]] = 1f;
        }
        return Tensor.of(device, v, labels.length, classes);
    }
}
