package org.transfer4j.nn.layers;

import java.util.List;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Multiply()}: the elementwise product of two or more inputs,
 * {@code x_0 (N, ...), ..., x_k (N, ...) -> y (N, ...)} (squeeze-and-excitation gating). Shapes must be
 * equal or broadcast as {@link Merge} describes.
 */
public class Multiply extends Merge {

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        return broadcastShape(inputShapes);
    }

    @Override
    protected Tensor forward(List<Tensor> inputs, boolean training) {
        return foldElementwise(inputs, Arithmetic::mul);
    }
}
