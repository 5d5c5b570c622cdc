package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Softmax(axis=-1)}: {@code y = exp(x) / sum(exp(x))} along {@code axis},
 * {@code x (N, ...) -> y} of the same shape. The axis counts the batch as 0, as in Keras.
 */
public class Softmax extends SingleInputLayer {
    private int axis = -1;

    /** The axis to normalise over, batch axis included in the count; negative counts from the end. */
    public Softmax axis(int value) {
        checkNotBuilt("axis");
        this.axis = value;
        return this;
    }

    public int axis() {
        return axis;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (KerasAxis.resolve(axis, in.length + 1) < 0) {
            throw shapeError("axis " + axis + " is out of range for inputs of rank " + (in.length + 1)
                    + " (batch axis included)", in);
        }
        return in.clone();
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return org.transfer4j.ops.Softmax.softmax(x, axis);
    }
}
