package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Reshape(target_shape)}: {@code x (N, d1, ..., dk) -> y (N, t1, ..., tm)} with the same
 * elements in row-major order. The target excludes the batch axis; at most one entry may be -1, which
 * is inferred from the element count.
 */
public class Reshape extends SingleInputLayer {
    private final int[] targetShape;

    public Reshape(int... targetShape) {
        int unknown = 0;
        for (int d : targetShape) {
            if (d == -1) {
                unknown++;
            } else if (d < 1) {
                throw new IllegalArgumentException("Reshape target shape entries must be positive or -1, got "
                        + Arrays.toString(targetShape));
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("Reshape target shape may contain at most one -1, got "
                    + Arrays.toString(targetShape));
        }
        this.targetShape = targetShape.clone();
    }

    public int[] targetShape() {
        return targetShape.clone();
    }

    @Override
    protected int[] outputShape(int[] in) {
        long size = 1;
        for (int d : in) {
            size *= d;
        }
        long known = 1;
        int unknownAt = -1;
        for (int i = 0; i < targetShape.length; i++) {
            if (targetShape[i] == -1) {
                unknownAt = i;
            } else {
                known *= targetShape[i];
            }
        }
        int[] out = targetShape.clone();
        if (unknownAt >= 0) {
            if (size % known != 0) {
                throw shapeError("cannot reshape " + size + " elements into target " + Arrays.toString(targetShape)
                        + ": " + size + " is not a multiple of " + known, in, targetShape);
            }
            out[unknownAt] = (int) (size / known);
        } else if (known != size) {
            throw shapeError("cannot reshape " + size + " elements into target " + Arrays.toString(targetShape)
                    + " of " + known + " elements", in, targetShape);
        }
        return out;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        int[] shape = new int[targetShape.length + 1];
        shape[0] = x.shape(0);
        int[] in = Arrays.copyOfRange(x.shape(), 1, x.rank());
        System.arraycopy(outputShape(in), 0, shape, 1, targetShape.length);
        return Views.reshape(x, shape);
    }
}
