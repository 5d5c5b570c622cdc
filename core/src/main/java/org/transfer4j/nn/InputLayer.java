package org.transfer4j.nn;

import java.util.Arrays;
import java.util.List;
import org.transfer4j.tensor.Tensor;

/**
 * The entry of a functional graph (Keras {@code InputLayer}): it holds the expected shape (batch
 * excluded) and passes a batch of that shape through. Create one with {@link Input#of}.
 */
public final class InputLayer extends Layer {
    private final int[] shape;

    public InputLayer(int... shape) {
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("input shape dimensions must be positive, got " + Arrays.toString(shape));
            }
        }
        this.shape = shape.clone();
    }

    /** The expected shape without the batch axis. */
    public int[] shape() {
        return shape.clone();
    }

    @Override
    protected int[] outputShape(List<int[]> inputShapes) {
        if (inputShapes.size() != 1 || !Arrays.equals(inputShapes.getFirst(), shape)) {
            throw shapeError("expects inputs of shape " + LayerNames.batchShape(shape),
                    inputShapes.toArray(int[][]::new));
        }
        return shape.clone();
    }

    @Override
    protected Tensor forward(List<Tensor> inputs, boolean training) {
        return inputs.getFirst();
    }

    /** The symbolic tensor this input layer produces, the start of a graph. */
    SymbolicTensor output() {
        return new LayerCall(this, List.of(), shape, null).output();
    }
}
