package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Gather;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Resizing(height, width)} with its defaults ({@code interpolation="bilinear"}, no cropping or
 * padding to the aspect ratio): {@code images (N, h, w, C) -> (N, height, width, C)} as TensorFlow's
 * {@code tf.image.resize(..., "bilinear", antialias=False)} computes it. Half-pixel centres: output index
 * {@code i} samples {@code p = (i + 0.5) * in / out - 0.5} (in float), between source indices
 * {@code max(floor(p), 0)} and {@code min(ceil(p), in - 1)} with weight {@code p - floor(p)} on the second;
 * along the width first, then along the height, as TensorFlow does. Only two source pixels count per axis,
 * also when shrinking (no antialiasing).
 *
 * <p>Built from {@link Gather#gather} and elementwise arithmetic, so it runs on every backend and its
 * gradient flows to its input. A model can take images of one size and look at them at another: a branch
 * of a multi-scale ensemble, for example.
 */
public class Resizing extends SingleInputLayer {
    private final int height;
    private final int width;

    public Resizing(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Resizing needs a positive height and width, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("needs images (h, w, channels)", in);
        }
        return new int[] {height, width, in[2]};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return resizeAxis(resizeAxis(x, 2, width), 1, height);
    }

    /** Linear interpolation of {@code x (N, H, W, C)} along {@code axis} (1 or 2) to {@code out} samples. */
    private static Tensor resizeAxis(Tensor x, int axis, int out) {
        int in = x.shape(axis);
        if (in == out) {
            return x;
        }
        Taps taps = Taps.of(in, out);
        int[] weightShape = {1, 1, 1, 1};
        weightShape[axis] = out;
        Tensor weight = Tensor.of(taps.lerp(), weightShape).to(x.device());
        Tensor first = Gather.gather(x, axis, taps.lower());
        Tensor second = Gather.gather(x, axis, taps.upper());
        return Arithmetic.add(first, Arithmetic.mul(Arithmetic.sub(second, first), weight));
    }

    /** The two source indices and the weight of the second, for each output index of one axis. */
    public record Taps(int[] lower, int[] upper, float[] lerp) {
        /**
         * TensorFlow's {@code compute_interpolation_weights} with {@code HalfPixelScaler}, in float as
         * there: {@code p = (i + 0.5) * in / out - 0.5}; lower {@code max(floor(p), 0)}, upper
         * {@code min(ceil(p), in - 1)}, weight {@code p - floor(p)}. Past an edge both taps are the
         * edge pixel. (The image pipeline's {@code Resize.BILINEAR} uses the same taps.)
         */
        public static Taps of(int in, int out) {
            float scale = (float) in / out;
            int[] lower = new int[out];
            int[] upper = new int[out];
            float[] lerp = new float[out];
            for (int i = 0; i < out; i++) {
                float p = (i + 0.5f) * scale - 0.5f;
                float floor = (float) Math.floor(p);
                lower[i] = Math.max((int) floor, 0);
                upper[i] = Math.min((int) Math.ceil(p), in - 1);
                lerp[i] = p - floor;
            }
            return new Taps(lower, upper, lerp);
        }
    }
}
