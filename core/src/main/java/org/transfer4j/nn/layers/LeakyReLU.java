package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code LeakyReLU(negative_slope=0.3)} (Keras 2: {@code alpha=0.3}):
 * {@code f(x) = x} for {@code x > 0}, {@code negative_slope * x} otherwise; {@code x (N, ...) -> y} of the same shape.
 */
public class LeakyReLU extends SingleInputLayer {
    private float negativeSlope = 0.3f;

    /** The slope below 0 (Keras 3's name). */
    public LeakyReLU negativeSlope(float value) {
        checkNotBuilt("negativeSlope");
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("LeakyReLU negativeSlope must be finite, got " + value);
        }
        this.negativeSlope = value;
        return this;
    }

    /** Keras 2's name for {@link #negativeSlope}, as found in Keras 2 model configurations. */
    public LeakyReLU alpha(float value) {
        return negativeSlope(value);
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Unary.leakyRelu(x, negativeSlope);
    }
}
