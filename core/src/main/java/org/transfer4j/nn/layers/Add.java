package org.transfer4j.nn.layers;

import java.util.List;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Add()}: the elementwise sum of two or more inputs,
 * {@code x_0 (N, ...), ..., x_k (N, ...) -> y (N, ...)} (the ResNet shortcut). Shapes must be equal or
 * broadcast as {@link Merge} describes.
 */
public class Add extends Merge {

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        return broadcastShape(inputShapes);
    }

    /** A sum's gradient is the output's, for every input: no values are read. */
    @Override
    protected boolean backwardReadsInputs() {
        return false;
    }

    @Override
    protected boolean backwardReadsOutput() {
        return false;
    }

    @Override
    protected Tensor forward(List<Tensor> inputs, boolean training) {
        return foldElementwise(inputs, Arithmetic::add);
    }
}
