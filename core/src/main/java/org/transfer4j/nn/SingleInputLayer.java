package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.tensor.Tensor;

/** A layer with exactly one input, which is most of them; merge layers and models take several. */
public abstract class SingleInputLayer extends Layer {

    /** Validates the input shape (batch excluded) and returns the output shape. */
    protected abstract int[] outputShape(int[] inputShape);

    /** Creates the weights for this input shape; the default creates none. */
    protected void build(int[] inputShape) {
    }

    /** Computes the output from an input whose shape {@link #outputShape(int[])} accepted. */
    protected abstract Tensor forward(Tensor x, boolean training);

    @Override
    protected final int[] outputShape(List<int[]> inputShapes) {
        return outputShape(only(inputShapes));
    }

    @Override
    protected final void build(List<int[]> inputShapes) {
        build(only(inputShapes));
    }

    @Override
    protected final Tensor forward(List<Tensor> inputs, boolean training) {
        return forward(inputs.getFirst(), training);
    }

    private <T> T only(List<T> inputs) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("layer " + describe() + " takes one input, got " + inputs.size());
        }
        return inputs.getFirst();
    }
}
