package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Conv2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code DepthwiseConv2D}: each input channel is convolved with its own {@code depthMultiplier}
 * filters, {@code x (N,H,W,C) -> activation(y + bias) (N,OH,OW,C*M)}, where output channel
 * {@code c*M + m} is input channel c convolved with {@code depthwise_kernel[:, :, c, m]}.
 * Weights: {@code depthwise_kernel (KH,KW,C,M)}, {@code bias (C*M)}. Defaults as in Keras: strides 1,
 * padding "valid", depth multiplier 1, dilation 1, no activation, bias on, glorot-uniform kernel, zero bias.
 * Keras refuses strides > 1 together with dilation > 1; here that combination is computed (a strided
 * convolution with a dilated kernel), as {@link Conv2D} does. With {@code dataFormat("channels_first")},
 * {@code x (N,C,H,W) -> y (N,C*M,OH,OW)} and the same weights ({@link DataFormat}). The strides, padding,
 * dilation, data format, activation and bias switch are {@link BaseConv2D}'s.
 */
public class DepthwiseConv2D extends BaseConv2D<DepthwiseConv2D> implements FoldableConvolution {
    private int depthMultiplier = 1;
    private Initializer depthwiseInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight depthwiseKernel;
    private Weight bias;

    public DepthwiseConv2D(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public DepthwiseConv2D(int kernelH, int kernelW) {
        super("DepthwiseConv2D", kernelH, kernelW);
    }

    /** The number of filters per input channel (M): the output has {@code C*M} channels. */
    public DepthwiseConv2D depthMultiplier(int value) {
        checkNotBuilt("depthMultiplier");
        LayerArgs.positive("depthMultiplier", value);
        this.depthMultiplier = value;
        return this;
    }

    public DepthwiseConv2D depthwiseInitializer(Initializer value) {
        checkNotBuilt("depthwiseInitializer");
        this.depthwiseInitializer = value;
        return this;
    }

    public DepthwiseConv2D biasInitializer(Initializer value) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = value;
        return this;
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
        return channels * depthMultiplier;
    }

    @Override
    protected void build(int[] in) {
        int channels = channels(in);
        depthwiseKernel = addWeight("depthwise_kernel",
                new int[] {window().height(), window().width(), channels, depthMultiplier}, depthwiseInitializer, true);
        if (useBias()) {
            bias = addWeight("bias", new int[] {channels * depthMultiplier}, biasInitializer, true);
        }
    }

    @Override
    Tensor convolve(Tensor x) {
        return BiasAdd.onto(convolveBare(x, NO_PADS), bias);
    }

    @Override
    public Tensor convolveBare(Tensor x, int[] pads) {
        return depthwise(x, depthwiseKernel.value(), window(), paddingAfter(pads, x.shape(1), x.shape(2)));
    }

    @Override
    public Weight biasWeight() {
        return bias;
    }

    /**
     * {@code x (N,H,W,C), kernel (KH,KW,C,M) -> (N,OH,OW,C*M)}: the kernel's memory is that of an HWIO
     * kernel {@code (KH,KW,1,C*M)} whose output channel {@code c*M + m} belongs to group c, so a
     * convolution with {@code groups = C} computes it (as {@link Conv2d#depthwiseConv2d} does, but with
     * separate strides and dilation). The reshape is recorded, so the kernel receives its gradient.
     * The window gives the strides and dilation (its size is the kernel's), {@code padding} the padding.
     */
    static Tensor depthwise(Tensor x, Tensor kernel, Window2D window, Padding padding) {
        int[] k = kernel.shape();
        Tensor hwio = kernel.reshape(k[0], k[1], 1, k[2] * k[3]);
        return Conv2d.conv2d(x, hwio, padding, window.strideH(), window.strideW(), window.dilationH(),
                window.dilationW(), k[2]);
    }
}
