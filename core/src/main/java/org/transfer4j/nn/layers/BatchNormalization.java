package org.transfer4j.nn.layers;

import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.BatchNorm;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code BatchNormalization}: normalises each feature along {@code axis} (default the last, the
 * channels of NHWC) by {@code gamma * (x - mean) / sqrt(var + epsilon) + beta}, {@code x (N, ...) -> y} of
 * the same shape, e.g. {@code (N,H,W,C) -> (N,H,W,C)} with C features.
 * Weights in Keras' order: {@code gamma (C)} if scale, {@code beta (C)} if center, then the
 * non-trainable {@code moving_mean (C)} and {@code moving_variance (C)}. Defaults: momentum 0.99,
 * epsilon 1e-3, center and scale on.
 *
 * <p>Mode, as in Keras 2.1.3+ / TF2: the batch statistics are used (and the moving ones updated with
 * {@code moving = moving * momentum + batch * (1 - momentum)}) only when {@code training} is true and
 * the layer is trainable. A frozen layer normalises with its moving statistics even while the rest
 * of the model trains, unless {@link #updateStatisticsWhenFrozen} asks otherwise: then the statistics
 * follow the batches while gamma and beta stay frozen (see {@code Model.trainBatchNormWhenFrozen}).
 */
public class BatchNormalization extends SingleInputLayer {
    private int axis = -1;
    private float momentum = 0.99f;
    private float epsilon = 1e-3f;
    private boolean center = true;
    private boolean scale = true;
    private boolean updateStatisticsWhenFrozen;
    private Initializer betaInitializer = Initializers.zeros();
    private Initializer gammaInitializer = Initializers.ones();
    private Initializer movingMeanInitializer = Initializers.zeros();
    private Initializer movingVarianceInitializer = Initializers.ones();

    private Weight gamma;
    private Weight beta;
    private Weight movingMean;
    private Weight movingVariance;
    /** Stand-ins for an absent gamma (ones) or beta (zeros): constants, never trained. */
    private DeviceConstant fixedGamma;
    private DeviceConstant fixedBeta;

    /** The feature axis, counted with the batch axis as 0 (as in Keras); negative counts from the end. */
    public BatchNormalization axis(int value) {
        checkNotBuilt("axis");
        if (value == 0) {
            throw new IllegalArgumentException("BatchNormalization cannot normalise over the batch axis (axis 0)");
        }
        this.axis = value;
        return this;
    }

    public BatchNormalization momentum(float value) {
        checkNotBuilt("momentum");
        if (!(value >= 0f && value <= 1f)) {
            throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got " + value);
        }
        this.momentum = value;
        return this;
    }

    public BatchNormalization epsilon(float value) {
        checkNotBuilt("epsilon");
        if (!(value > 0f)) {
            throw new IllegalArgumentException("BatchNormalization epsilon must be positive, got " + value);
        }
        this.epsilon = value;
        return this;
    }

    /** Whether to learn an offset {@code beta}. */
    public BatchNormalization center(boolean value) {
        checkNotBuilt("center");
        this.center = value;
        return this;
    }

    /** Whether to learn a scale {@code gamma}. */
    public BatchNormalization scale(boolean value) {
        checkNotBuilt("scale");
        this.scale = value;
        return this;
    }

    public BatchNormalization gammaInitializer(Initializer value) {
        checkNotBuilt("gammaInitializer");
        this.gammaInitializer = value;
        return this;
    }

    public BatchNormalization betaInitializer(Initializer value) {
        checkNotBuilt("betaInitializer");
        this.betaInitializer = value;
        return this;
    }

    public BatchNormalization movingMeanInitializer(Initializer value) {
        checkNotBuilt("movingMeanInitializer");
        this.movingMeanInitializer = value;
        return this;
    }

    public BatchNormalization movingVarianceInitializer(Initializer value) {
        checkNotBuilt("movingVarianceInitializer");
        this.movingVarianceInitializer = value;
        return this;
    }

    /** Keep batch statistics and moving-statistic updates while frozen (see the class comment). */
    public void updateStatisticsWhenFrozen(boolean value) {
        this.updateStatisticsWhenFrozen = value;
    }

    public float momentum() {
        return momentum;
    }

    public float epsilon() {
        return epsilon;
    }

    /** The feature axis as configured (batch = 0, negative from the end). */
    public int axis() {
        return axis;
    }

    public boolean center() {
        return center;
    }

    public boolean scale() {
        return scale;
    }

    /** True when a call with this {@code training} flag normalises with batch statistics. */
    public boolean usesBatchStatistics(boolean training) {
        return training && (isTrainable() || updateStatisticsWhenFrozen);
    }

    @Override
    protected int[] outputShape(int[] in) {
        int a = featureAxis(in);
        if (movingMean != null && movingMean.shape()[0] != in[a]) {
            throw shapeError("built for " + movingMean.shape()[0] + " features on axis " + axis, in);
        }
        return in.clone();
    }

    @Override
    protected void build(int[] in) {
        int[] features = {in[featureAxis(in)]};
        if (scale) {
            gamma = addWeight("gamma", features, gammaInitializer, true);
        } else {
            fixedGamma = DeviceConstant.filled(1f, features);
        }
        if (center) {
            beta = addWeight("beta", features, betaInitializer, true);
        } else {
            fixedBeta = DeviceConstant.filled(0f, features);
        }
        movingMean = addWeight("moving_mean", features, movingMeanInitializer, false);
        movingVariance = addWeight("moving_variance", features, movingVarianceInitializer, false);
    }

    /** Its backward reads x and its statistics, never y. */
    @Override
    protected boolean backwardReadsOutput() {
        return false;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        int last = x.rank() - 1;
        int a = KerasAxis.resolve(axis, x.rank()); // in range: outputShape checked it
        Tensor input = a == last ? x : Views.transpose(x, a, last);
        Tensor g = gamma != null ? gamma.value() : fixedGamma.on(x.device());
        Tensor b = beta != null ? beta.value() : fixedBeta.on(x.device());
        Tensor y = usesBatchStatistics(training)
                ? BatchNorm.train(input, g, b, movingMean.value(), movingVariance.value(), momentum, epsilon)
                : BatchNorm.infer(input, g, b, movingMean.value(), movingVariance.value(), epsilon);
        return a == last ? y : Views.transpose(y, a, last);
    }

    /**
     * This layer in training with batch statistics on {@code z + bias}, z a convolution's output before its bias
     * {@code (N,H,W,C)}, without forming the sum ({@link BatchNorm#trainAfterBias}: the output is that of z, the
     * moving mean follows mean(z) + bias, the bias's gradient is 0). Only for a call that
     * {@link #usesBatchStatistics} and normalises the last axis ({@link #normalisesLastAxis}).
     */
    public Tensor forwardAfterBias(Tensor z, Tensor bias) {
        Tensor g = gamma != null ? gamma.value() : fixedGamma.on(z.device());
        Tensor b = beta != null ? beta.value() : fixedBeta.on(z.device());
        return BatchNorm.trainAfterBias(z, bias, g, b, movingMean.value(), movingVariance.value(), momentum, epsilon);
    }

    /**
     * This layer in training with batch statistics, its output clamped to {@code [low, high]} in the same op: the
     * layer and the ReLU ({@code 0, +inf}) or ReLU6 ({@code 0, 6}) after it, bit for bit
     * ({@link BatchNorm#trainClamped}). {@code bias} null normalises x; else x is a convolution's output before its
     * bias, as in {@link #forwardAfterBias}. Only for a call that {@link #usesBatchStatistics} and normalises the
     * last axis ({@link #normalisesLastAxis}).
     */
    public Tensor forwardClamped(Tensor x, Tensor bias, float low, float high) {
        Tensor g = gamma != null ? gamma.value() : fixedGamma.on(x.device());
        Tensor b = beta != null ? beta.value() : fixedBeta.on(x.device());
        return BatchNorm.trainClamped(x, bias, g, b, movingMean.value(), movingVariance.value(), momentum, epsilon,
                low, high);
    }

    /** Whether this layer normalises the last axis of inputs of {@code rank} (batch included). */
    public boolean normalisesLastAxis(int rank) {
        return KerasAxis.resolve(axis, rank) == rank - 1;
    }

    /** The feature axis as an index into {@code in}, the input shape without the batch axis. */
    private int featureAxis(int[] in) {
        int a = KerasAxis.resolve(axis, in.length + 1);
        if (a < 1) {
            throw shapeError("axis " + axis + " is out of range for inputs of rank " + (in.length + 1)
                    + " (batch included)", in);
        }
        return a - 1;
    }
}
