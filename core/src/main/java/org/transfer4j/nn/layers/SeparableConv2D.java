package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Conv2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code SeparableConv2D}: a depthwise convolution (strides, padding and dilation apply here)
 * followed by a 1x1 pointwise convolution that mixes the channels,
 * {@code x (N,H,W,C) -> depthwise (N,OH,OW,C*M) -> activation(pointwise + bias) (N,OH,OW,filters)}
 * (TensorFlow's {@code separable_conv2d}). Weights, in Keras' order: {@code depthwise_kernel (KH,KW,C,M)},
 * {@code pointwise_kernel (1,1,C*M,filters)}, {@code bias (filters)}. Defaults as in Keras: strides 1,
 * padding "valid", depth multiplier 1, dilation 1, no activation, bias on, glorot-uniform kernels, zero bias.
 * Keras refuses strides > 1 together with dilation > 1; here that combination is computed (a strided
 * convolution with a dilated kernel), as {@link Conv2D} does. With {@code dataFormat("channels_first")},
 * {@code x (N,C,H,W) -> y (N,filters,OH,OW)} and the same weights ({@link DataFormat}). The strides,
 * padding, dilation, data format, activation and bias switch are {@link BaseConv2D}'s.
 */
public class SeparableConv2D extends BaseConv2D<SeparableConv2D> {
    private final int filters;
    private int depthMultiplier = 1;
    private Initializer depthwiseInitializer = Initializers.glorotUniform();
    private Initializer pointwiseInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight depthwiseKernel;
    private Weight pointwiseKernel;
    private Weight bias;

    public SeparableConv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public SeparableConv2D(int filters, int kernelH, int kernelW) {
        LayerArgs.positive("SeparableConv2D filters", filters); // before the kernel size, as it was checked first
        super("SeparableConv2D", kernelH, kernelW);
        this.filters = filters;
    }

    /** The number of depthwise filters per input channel (M). */
    public SeparableConv2D depthMultiplier(int value) {
        checkNotBuilt("depthMultiplier");
        LayerArgs.positive("depthMultiplier", value);
        this.depthMultiplier = value;
        return this;
    }

    public SeparableConv2D depthwiseInitializer(Initializer value) {
        checkNotBuilt("depthwiseInitializer");
        this.depthwiseInitializer = value;
        return this;
    }

    public SeparableConv2D pointwiseInitializer(Initializer value) {
        checkNotBuilt("pointwiseInitializer");
        this.pointwiseInitializer = value;
        return this;
    }

    public SeparableConv2D biasInitializer(Initializer value) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = value;
        return this;
    }

    public int filters() {
        return filters;
    }

    public int depthMultiplier() {
        return depthMultiplier;
    }

    @Override
    int outputChannels(int channels, int[] in) {
        if (depthwiseKernel != null && depthwiseKernel.shape()[2] != channels) {
            throw shapeError("the depthwise kernel was built for " + depthwiseKernel.shape()[2] + " input channels", in,
                    depthwiseKernel.shape());
        }
        return filters;
    }

    @Override
    protected void build(int[] in) {
        int channels = channels(in);
        depthwiseKernel = addWeight("depthwise_kernel",
                new int[] {window().height(), window().width(), channels, depthMultiplier}, depthwiseInitializer, true);
        pointwiseKernel = addWeight("pointwise_kernel", new int[] {1, 1, channels * depthMultiplier, filters},
                pointwiseInitializer, true);
        if (useBias()) {
            bias = addWeight("bias", new int[] {filters}, biasInitializer, true);
        }
    }

    @Override
    Tensor convolve(Tensor x) {
        Tensor d = DepthwiseConv2D.depthwise(x, depthwiseKernel.value(), window(), window().padding());
        Tensor y = Conv2d.conv2d(d, pointwiseKernel.value(), Padding.VALID, 1);
        return BiasAdd.onto(y, bias); // d stays: the pointwise convolution's gradient reads it
    }
}
