package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Dropout(rate, noise_shape=None, seed=None)}: {@code x (N, ...) -> y} of the same shape.
 * In training each element is zeroed with probability {@code rate} and the rest are scaled by
 * {@code 1 / (1 - rate)} (inverted dropout); at inference it is the identity. Rate and seed work as
 * described on {@link BaseDropout}.
 *
 * <p>{@link #noiseShape} gives the mask's shape, batch axis included, as Keras' {@code noise_shape}: each
 * entry is the input's size, 1 (the mask is shared along that axis) or -1 (Keras' {@code None}: the
 * input's size).
 */
public class Dropout extends BaseDropout<Dropout> {
    private int[] noiseShape;

    public Dropout(float rate) {
        super(rate);
    }

    /** The mask's shape with the batch axis (see the class comment), e.g. {@code noiseShape(-1, 1, 1, -1)}. */
    public Dropout noiseShape(int... shape) {
        checkNotBuilt("noiseShape");
        for (int d : shape) {
            if (d < -1 || d == 0) {
                throw new IllegalArgumentException("Dropout noiseShape entries must be positive or -1 (None), got "
                        + Arrays.toString(shape));
            }
        }
        this.noiseShape = shape.clone();
        return this;
    }

    /**
     * The noise shape with the batch axis, -1 for the input's size; null when none was set (the input's
     * shape). (Not {@code noiseShape()}: that is the varargs setter.)
     */
    public int[] configuredNoiseShape() {
        return noiseShape == null ? null : noiseShape.clone();
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (noiseShape != null) {
            boolean ok = noiseShape.length == in.length + 1;
            for (int i = 1; ok && i < noiseShape.length; i++) {
                ok = noiseShape[i] == -1 || noiseShape[i] == 1 || noiseShape[i] == in[i - 1];
            }
            if (!ok) {
                throw shapeError("noiseShape " + Arrays.toString(noiseShape)
                        + " (batch axis included) does not broadcast to the input", in);
            }
        }
        return in.clone();
    }

    /** The input's shape, with the noise shape's entries where they are not -1. */
    @Override
    int[] maskShape(Tensor x) {
        int[] mask = x.shape();
        if (noiseShape != null) {
            for (int i = 0; i < mask.length; i++) {
                if (noiseShape[i] != -1 && noiseShape[i] != mask[i] && noiseShape[i] != 1) {
                    throw ShapeMismatchException.of(describe(), "noiseShape " + Arrays.toString(noiseShape)
                            + " does not broadcast to the batch", x.shape());
                }
                mask[i] = noiseShape[i] == -1 ? mask[i] : noiseShape[i];
            }
        }
        return mask;
    }
}
