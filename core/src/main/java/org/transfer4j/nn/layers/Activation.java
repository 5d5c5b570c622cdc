package org.transfer4j.nn.layers;

import org.transfer4j.nn.Activations;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Activation("relu")}: applies a named activation (see {@link Activations}),
 * {@code x (N, ...) -> y} of the same shape; elementwise, except {@code "softmax"}, which normalises the
 * last axis. A null name is Keras' {@code None}: linear.
 */
public class Activation extends SingleInputLayer {
    private final String activation;

    public Activation(String activation) {
        Activations.get(activation);
        this.activation = activation;
    }

    public String activation() {
        return activation;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    /** relu and relu6 are clamps, whose derivative comes from their output; the others may read x. */
    @Override
    protected boolean backwardReadsInputs() {
        return !activation.equals("relu") && !activation.equals("relu6");
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Activations.get(activation).apply(x);
    }
}
