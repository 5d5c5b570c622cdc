package org.transfer4j.nn.layers;

import org.transfer4j.nn.Activations;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code ELU(alpha=1.0)}: {@code f(x) = x} for {@code x > 0}, {@code alpha * (e^x - 1)} otherwise;
 * {@code x (N, ...) -> y} of the same shape.
 */
public class ELU extends SingleInputLayer {
    private float alpha = 1f;

    public ELU alpha(float value) {
        checkNotBuilt("alpha");
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("ELU alpha must be finite, got " + value);
        }
        this.alpha = value;
        return this;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Activations.elu(x, alpha);
    }
}
