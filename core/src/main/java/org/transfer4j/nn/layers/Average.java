package org.transfer4j.nn.layers;

import java.util.List;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Average()}: the elementwise mean of two or more inputs,
 * {@code x_0 (N, ...), ..., x_k (N, ...) -> y = (x_0 + ... + x_k) / (k + 1)} (an ensemble of branches that
 * share one input, averaged in one model). Shapes must be equal or broadcast as {@link Merge} describes.
 */
public class Average extends Merge {

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        return broadcastShape(inputShapes);
    }

    @Override
    protected Tensor forward(List<Tensor> inputs, boolean training) {
        return Unary.affine(foldElementwise(inputs, Arithmetic::add), 1f / inputs.size(), 0f);
    }
}
