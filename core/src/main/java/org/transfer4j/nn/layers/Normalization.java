package org.transfer4j.nn.layers;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.Unary;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Normalization(axis=-1, mean=None, variance=None)}: standardises features with a mean and
 * variance fixed before training, {@code y = (x - mean) / max(sqrt(variance), 1e-7)} (Keras'
 * {@code backend.epsilon()} guards a zero variance), {@code x (N, ...) -> y} of the same shape.
 *
 * <p>The {@code axis} entries (batch = 0, negative from the end; axis 0 is refused) are the axes that keep
 * a separate mean and variance per index; every other axis is averaged over. {@code axis()} with no
 * argument is Keras' {@code axis=None}: one mean and one variance for everything.
 *
 * <p>The statistics come from {@link #mean}/{@link #variance} given up front (constants; the layer has no
 * weights then) or from {@link #adapt} on sample data. An adaptable layer has the non-trainable weights of
 * tf.keras 2, in its order: {@code mean} and {@code variance} (the kept axes' sizes; zeros and ones until
 * adapted) and {@code count} (a scalar, the number of values each statistic was computed from). Keras 3
 * keeps only {@code mean} and {@code variance}.
 */
public class Normalization extends SingleInputLayer {
    /** Keras' {@code backend.epsilon()}. */
    private static final float EPSILON = 1e-7f;

    private int[] axes = {-1};
    private float[] givenMean;
    private float[] givenVariance;

    private Weight mean;
    private Weight variance;
    private Weight count;
    /** The statistics given up front, shaped like the kept axes; the variance as the divisor it gives. */
    private DeviceConstant fixedMean;
    private DeviceConstant fixedStd;

    /** The axes with their own statistics (see the class comment); none means one statistic for all. */
    public Normalization axis(int... values) {
        checkNotBuilt("axis");
        for (int a : values) {
            if (a == 0) {
                throw new IllegalArgumentException("Normalization axis may not be 0 (the batch axis), got "
                        + Arrays.toString(values));
            }
        }
        this.axes = values.clone();
        return this;
    }

    /** A fixed mean: one value for all features, or one per feature (row-major over the kept axes). */
    public Normalization mean(float... values) {
        checkNotBuilt("mean");
        this.givenMean = values.clone();
        return this;
    }

    /** A fixed variance, given as {@link #mean} is (both or neither). */
    public Normalization variance(float... values) {
        checkNotBuilt("variance");
        for (float v : values) {
            if (!(v >= 0f)) {
                throw new IllegalArgumentException("Normalization variance must be >= 0, got " + Arrays.toString(values));
            }
        }
        this.givenVariance = values.clone();
        return this;
    }

    /**
     * The axes with their own statistics, as configured; empty for one statistic for everything. (Not
     * {@code axis()}: that is the varargs setter's "axis=None".)
     */
    public int[] configuredAxes() {
        return axes.clone();
    }

    /** The mean given with {@link #mean(float...)}, or null when the statistics are weights (adapted or loaded). */
    public float[] givenMean() {
        return givenMean == null ? null : givenMean.clone();
    }

    /** The variance given with {@link #variance(float...)}, or null as for {@link #givenMean()}. */
    public float[] givenVariance() {
        return givenVariance == null ? null : givenVariance.clone();
    }

    @Override
    protected int[] outputShape(int[] in) {
        if ((givenMean == null) != (givenVariance == null)) {
            throw new IllegalArgumentException("layer " + describe() + ": set both mean and variance or neither; got mean "
                    + Arrays.toString(givenMean) + " and variance " + Arrays.toString(givenVariance));
        }
        int[] kept = keptAxes(in);
        int[] statShape = statisticShape(in, kept);
        if (isBuilt() && !Arrays.equals(statShape, statShape())) {
            throw shapeError("built for statistics of shape " + Arrays.toString(statShape()), in);
        }
        int features = Math.toIntExact(Shape.numel(statShape));
        for (float[] given : new float[][] {givenMean, givenVariance}) {
            if (given != null && given.length != 1 && given.length != features) {
                throw shapeError("mean and variance need 1 or " + features + " values (shape "
                        + Arrays.toString(statShape) + "), got " + given.length, in);
            }
        }
        return in.clone();
    }

    @Override
    protected void build(int[] in) {
        int[] shape = statisticShape(in, keptAxes(in));
        if (givenMean == null) {
            mean = addWeight("mean", shape, Initializers.zeros(), false);
            variance = addWeight("variance", shape, Initializers.ones(), false);
            count = addWeight("count", new int[0], Initializers.zeros(), false);
        } else {
            fixedMean = new DeviceConstant(spread(givenMean, shape), shape);
            float[] std = spread(givenVariance, shape);
            for (int i = 0; i < std.length; i++) {
                // The float square root, correctly rounded, as Unary.sqrt computes it in forward.
                std[i] = Math.max((float) Math.sqrt(std[i]), EPSILON);
            }
            fixedStd = new DeviceConstant(std, shape);
        }
    }

    /**
     * Sets mean, variance and count from {@code data (M, ...)} (same shape as the layer's inputs, M samples):
     * per index of the kept axes, the mean and the population variance over all other axes, batch
     * included, as Keras' {@code adapt}. Builds the layer if needed. Returns this.
     */
    public Normalization adapt(Tensor data) {
        if (givenMean != null) {
            throw new IllegalStateException("layer " + describe() + " was given its mean and variance; it cannot adapt");
        }
        if (data.rank() < 1 || data.shape(0) == 0) {
            throw new IllegalArgumentException("layer " + describe() + ": adapt needs at least one sample, got shape "
                    + Arrays.toString(data.shape()));
        }
        try (NoGrad ignored = NoGrad.enter()) {
            // The statistics are computed where the layer lives (data from a dataset is on the host).
            Tensor x = data.detach().to(device());
            // Calling the layer on the first sample validates the shape and builds it through the usual path.
            call(Views.slice(x, 0, 0, 1, 1), false);
            int[] reduce = reducedAxes(x.shape());
            long n = 1;
            for (int a : reduce) {
                n *= x.shape(a);
            }
            mean.assign(Reduce.mean(x, reduce, false));
            variance.assign(Reduce.var(x, reduce, false, 0));
            count.assign(new float[] {n});
        }
        return this;
    }

    /** Kept axes (batch = 0), sorted and distinct, or a shape error for one out of range or on the batch. */
    private int[] keptAxes(int[] in) {
        int rank = in.length + 1;
        TreeSet<Integer> kept = new TreeSet<>();
        for (int a : axes) {
            int r = KerasAxis.resolve(a, rank);
            if (r < 1) {
                throw shapeError("axis " + Arrays.toString(axes) + " is out of range for inputs of rank " + rank
                        + " (batch axis 0 included, and it may not be normalised per index)", in);
            }
            kept.add(r);
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] statisticShape(int[] in, int[] kept) {
        int[] shape = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            shape[i] = in[kept[i] - 1];
        }
        return shape;
    }

    private int[] statShape() {
        return mean != null ? mean.shape() : fixedMean.shape();
    }

    /** The axes of {@code x (N, ...)} that each statistic averages over: all but the kept ones. */
    private int[] reducedAxes(int[] x) {
        int[] kept = keptAxes(Arrays.copyOfRange(x, 1, x.length));
        return IntStream.range(0, x.length).filter(d -> Arrays.binarySearch(kept, d) < 0).toArray();
    }

    private static float[] spread(float[] given, int[] shape) {
        float[] out = new float[Math.toIntExact(Shape.numel(shape))];
        if (given.length == 1) {
            Arrays.fill(out, given[0]);
        } else {
            System.arraycopy(given, 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        // Statistics (kept axes) -> (1, ..., size at a kept axis, ..., 1), which broadcasts against x.
        // The kept axes are resolved against this input's rank, which may differ from the one built on.
        int[] broadcast = new int[x.rank()];
        Arrays.fill(broadcast, 1);
        for (int a : keptAxes(Arrays.copyOfRange(x.shape(), 1, x.rank()))) {
            broadcast[a] = x.shape(a);
        }
        // Adapted statistics are weights, which adapt() or a weight import may change between calls;
        // given ones are constants whose divisor build() computed once.
        Tensor m = mean != null ? mean.value() : fixedMean.on(x.device());
        Tensor std = mean != null ? Unary.clamp(Unary.sqrt(variance.value()), EPSILON, Float.POSITIVE_INFINITY)
                : fixedStd.on(x.device());
        return Arithmetic.div(Arithmetic.sub(x, Views.reshape(m, broadcast)), Views.reshape(std, broadcast));
    }
}
