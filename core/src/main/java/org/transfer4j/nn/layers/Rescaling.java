package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Rescaling(scale, offset=0.0)}: {@code y = x * scale + offset}, {@code x (N, ...) -> y} of the
 * same shape; {@code new Rescaling(1f / 255)} maps pixels to [0, 1], {@code new Rescaling(1f / 127.5f, -1)}
 * to [-1, 1] (MobileNet's preprocessing).
 */
public class Rescaling extends SingleInputLayer {
    private final float scale;
    private final float offset;

    public Rescaling(float scale) {
        this(scale, 0f);
    }

    public Rescaling(float scale, float offset) {
        if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
            throw new IllegalArgumentException("Rescaling scale and offset must be finite, got scale " + scale
                    + " and offset " + offset);
        }
        this.scale = scale;
        this.offset = offset;
    }

    public float scale() {
        return scale;
    }

    public float offset() {
        return offset;
    }

    @Override
    protected int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Unary.affine(x, scale, offset);
    }
}
