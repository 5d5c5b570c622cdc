package org.transfer4j.nn.layers;

import org.transfer4j.backend.BinaryOp;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code ReLU(max_value=None, negative_slope=0, threshold=0)}, {@code x (N, ...) -> y} of the same shape:
 * {@code f(x) = max_value} for {@code x >= max_value}, {@code x} for {@code threshold < x < max_value},
 * {@code negative_slope * (x - threshold)} otherwise. At {@code x = threshold} that is 0, as Keras computes
 * it ({@code x * (x > threshold) - negative_slope * relu(threshold - x)}), although Keras' docstring writes
 * {@code threshold <= x}. All three arguments must be {@code >= 0}, as in Keras. MobileNet's ReLU6 is
 * {@code new ReLU().maxValue(6)}.
 */
public class ReLU extends SingleInputLayer {
    private float maxValue = Float.POSITIVE_INFINITY;
    private float negativeSlope = 0f;
    private float threshold = 0f;
    /** The threshold as a tensor on the input's device, when it is not 0; made by build. */
    private DeviceConstant thresholdConstant;

    public ReLU maxValue(float value) {
        checkNotBuilt("maxValue");
        if (!(value >= 0f)) {
            throw new IllegalArgumentException("ReLU maxValue must be >= 0, got " + value);
        }
        this.maxValue = value;
        return this;
    }

    public ReLU negativeSlope(float value) {
        checkNotBuilt("negativeSlope");
        if (!(value >= 0f)) {
            throw new IllegalArgumentException("ReLU negativeSlope must be >= 0, got " + value);
        }
        this.negativeSlope = value;
        return this;
    }

    public ReLU threshold(float value) {
        checkNotBuilt("threshold");
        if (!(value >= 0f)) {
            throw new IllegalArgumentException("ReLU threshold must be >= 0, got " + value);
        }
        this.threshold = value;
        return this;
    }

    /** The upper bound; {@link Float#POSITIVE_INFINITY} when none was set (Keras' {@code max_value=None}). */
    public float maxValue() {
        return maxValue;
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    public float threshold() {
        return threshold;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    protected void build(int[] in) {
        if (threshold != 0f) {
            thresholdConstant = new DeviceConstant(new float[] {threshold});
        }
    }

    /** The clamp's derivative comes from its output ({@code Unary.clamp}); the other forms read x. */
    @Override
    protected boolean backwardReadsInputs() {
        return threshold != 0f || negativeSlope != 0f;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        if (threshold == 0f && negativeSlope == 0f) {
            // max(x, 0) capped at maxValue is one clamp, one op forward and one backward (MobileNet's ReLU6):
            // the same values and derivative (1 strictly between the bounds) as relu then clamp
            return Unary.clamp(x, 0f, maxValue);
        }
        Tensor y;
        if (threshold == 0f) {
            y = negativeSlope == 0f ? Unary.relu(x) : Unary.leakyRelu(x, negativeSlope);
        } else {
            // mask * x + (1 - mask) * slope * (x - threshold), with mask = (x > threshold)
            Tensor mask = Arithmetic.compare(BinaryOp.GT, x.detach(), thresholdConstant.on(x.device()));
            Tensor below = Unary.affine(x, negativeSlope, -negativeSlope * threshold);
            y = Arithmetic.add(Arithmetic.mul(mask, x), Arithmetic.mul(Unary.affine(mask, -1f, 1f), below));
        }
        return maxValue == Float.POSITIVE_INFINITY ? y : Unary.clamp(y, Float.NEGATIVE_INFINITY, maxValue);
    }
}
