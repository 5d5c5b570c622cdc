package org.transfer4j.nn.layers;

import java.util.List;
import org.transfer4j.ops.Concat;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Concatenate(axis=-1)}: joins two or more inputs along {@code axis},
 * {@code x_0 (N, ..., n_0, ...), ..., x_k (N, ..., n_k, ...) -> y (N, ..., n_0 + ... + n_k, ...)}.
 * The axis counts the batch as 0, as in Keras (negative counts from the end); the inputs must have
 * the same rank and agree on every other axis. Joining along the batch axis is refused: the output
 * would not be a batch of the same size.
 */
public class Concatenate extends Merge {
    private int axis = -1;

    /** The axis to join along, batch axis included in the count; negative counts from the end. */
    public Concatenate axis(int value) {
        checkNotBuilt("axis");
        this.axis = value;
        return this;
    }

    public int axis() {
        return axis;
    }

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        int[][] shapes = inputShapes.toArray(int[][]::new);
        int[] first = shapes[0];
        for (int[] s : shapes) {
            if (s.length != first.length) {
                throw shapeError("inputs must have the same rank", shapes);
            }
        }
        int rank = first.length + 1;
        int a = KerasAxis.resolve(axis, rank);
        if (a < 0) {
            throw shapeError("axis " + axis + " is out of range for inputs of rank " + rank
                    + " (batch axis included)", shapes);
        }
        if (a == 0) {
            throw shapeError("cannot concatenate along the batch axis (axis " + axis + ")", shapes);
        }
        int[] out = first.clone();
        out[a - 1] = 0;
        for (int[] s : shapes) {
            for (int d = 0; d < s.length; d++) {
                if (d != a - 1 && s[d] != first[d]) {
                    throw shapeError("inputs must match on every axis except the concatenation axis " + axis,
                            shapes);
                }
            }
            out[a - 1] += s[a - 1];
        }
        return out;
    }

    @Override
    protected Tensor forward(List<Tensor> inputs, boolean training) {
        return Concat.concat(axis, inputs.toArray(Tensor[]::new));
    }
}
