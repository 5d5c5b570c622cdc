package org.transfer4j.nn.layers;

import org.transfer4j.backend.BinaryOp;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Tensor;

/**
 * Keras 2's {@code ThresholdedReLU(theta=1.0)}: {@code f(x) = x} for {@code x > theta}, 0 otherwise;
 * {@code x (N, ...) -> y} of the same shape. Computed as Keras does, {@code x * (x > theta)}, so the
 * gradient is the mask.
 */
public class ThresholdedReLU extends SingleInputLayer {
    private float theta = 1f;
    /** Theta as a tensor on the input's device; made by build. */
    private DeviceConstant thetaConstant;

    /** The threshold; tf.keras refuses negative values, and so do we. */
    public ThresholdedReLU theta(float value) {
        checkNotBuilt("theta");
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException("ThresholdedReLU theta must be a finite value >= 0, got " + value);
        }
        this.theta = value;
        return this;
    }

    public float theta() {
        return theta;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    protected void build(int[] in) {
        thetaConstant = new DeviceConstant(new float[] {theta});
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor above = Arithmetic.compare(BinaryOp.GT, x.detach(), thetaConstant.on(x.device()));
        return Arithmetic.mul(x, above);
    }
}
