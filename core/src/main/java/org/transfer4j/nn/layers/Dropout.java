package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Dropout(rate, noise_shape=None, seed=None)}: {@code x (N, ...) -> y} of the same shape.
 * In training each element is zeroed with probability {@code rate} and the rest are scaled by
 * {@code 1 / (1 - rate)} (inverted dropout, {@link org.transfer4j.ops.Dropout}); at inference it is the identity.
 *
 * <p>{@link #noiseShape} gives the mask's shape, batch axis included, as Keras' {@code noise_shape}: each
 * entry is the input's size, 1 (the mask is shared along that axis) or -1 (Keras' {@code None}: the
 * input's size). With a {@link #seed} the layer draws from its own generator, so two layers with the same
 * seed drop the same elements; without, it draws from {@link Generator#defaultGenerator()}.
 */
public class Dropout extends SingleInputLayer {
    private final float rate;
    private int[] noiseShape;
    private Generator generator;

    public Dropout(float rate) {
        this.rate = checkRate("Dropout", rate);
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

    /** Draws masks from a generator of its own with this seed. */
    public Dropout seed(long value) {
        checkNotBuilt("seed");
        this.generator = new Generator(value);
        return this;
    }

    public float rate() {
        return rate;
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

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
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
        return drop(x, rate, mask, generator != null ? generator : Generator.defaultGenerator());
    }

    /** Keras accepts rates in [0, 1); 1 would drop everything and scale by infinity. */
    static float checkRate(String layer, float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException(layer + " rate must be in [0, 1), got " + rate);
        }
        return rate;
    }

    /**
     * {@code x * mask}: the mask, of {@code maskShape} (which broadcasts to x's), holds 0 with probability
     * rate and {@code 1 / (1 - rate)} otherwise. A mask of a smaller shape is inverted dropout applied to
     * ones, broadcast by the multiply, so whole rows or channels share one draw.
     */
    static Tensor drop(Tensor x, float rate, int[] maskShape, Generator gen) {
        if (Arrays.equals(maskShape, x.shape())) {
            return org.transfer4j.ops.Dropout.dropout(x, rate, gen, true);
        }
        Tensor ones = Tensor.zeros(x.device(), maskShape);
        ones.backend().fill(ones, 1f);
        return Arithmetic.mul(x, org.transfer4j.ops.Dropout.dropout(ones, rate, gen, true));
    }
}
