package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Activations;
import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Arithmetic;
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
 * {@code x (N,C,H,W) -> y (N,filters,OH,OW)} and the same weights ({@link DataFormat}).
 */
public class SeparableConv2D extends SingleInputLayer {
    private final int filters;
    private Window2D window; // kernel size, strides, padding, dilation
    private int depthMultiplier = 1;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    private String activation = "linear";
    private boolean useBias = true;
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
        LayerArgs.positive("SeparableConv2D filters", filters);
        this.filters = filters;
        this.window = Window2D.kernel("SeparableConv2D", kernelH, kernelW);
    }

    public SeparableConv2D strides(int stride) {
        return strides(stride, stride);
    }

    public SeparableConv2D strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        window = window.withStrides(strideH, strideW);
        return this;
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public SeparableConv2D padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public SeparableConv2D padding(Padding value) {
        checkNotBuilt("padding");
        window = window.withPadding(value);
        return this;
    }

    /** The number of depthwise filters per input channel (M). */
    public SeparableConv2D depthMultiplier(int value) {
        checkNotBuilt("depthMultiplier");
        LayerArgs.positive("depthMultiplier", value);
        this.depthMultiplier = value;
        return this;
    }

    public SeparableConv2D dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public SeparableConv2D dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        window = window.withDilation(rateH, rateW);
        return this;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public SeparableConv2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    public SeparableConv2D activation(String name) {
        checkNotBuilt("activation");
        this.activation = LayerArgs.activation(name);
        return this;
    }

    public SeparableConv2D useBias(boolean value) {
        checkNotBuilt("useBias");
        this.useBias = value;
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

    public String activation() {
        return activation;
    }

    /** {@code {kernelH, kernelW}}. */
    public int[] kernelSize() {
        return new int[] {window.height(), window.width()};
    }

    /** {@code {strideH, strideW}}. */
    public int[] strides() {
        return new int[] {window.strideH(), window.strideW()};
    }

    /** {@link Padding#VALID}, {@link Padding#SAME} or an explicit padding. */
    public Padding padding() {
        return window.padding();
    }

    /** {@code {dilationH, dilationW}}. */
    public int[] dilationRate() {
        return new int[] {window.dilationH(), window.dilationW()};
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("SeparableConv2D expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        if (depthwiseKernel != null && depthwiseKernel.shape()[2] != hwc[2]) {
            throw shapeError("the depthwise kernel was built for " + depthwiseKernel.shape()[2] + " input channels", in,
                    depthwiseKernel.shape());
        }
        int[] out = window.output(hwc[0], hwc[1]);
        if (out == null) {
            throw shapeError(window.misfit(), in);
        }
        return dataFormat.toFirst(new int[] {out[0], out[1], filters});
    }

    @Override
    protected void build(int[] shape) {
        int[] in = dataFormat.toLast(shape);
        int depthwiseChannels = in[2] * depthMultiplier;
        depthwiseKernel = addWeight("depthwise_kernel",
                new int[] {window.height(), window.width(), in[2], depthMultiplier}, depthwiseInitializer, true);
        pointwiseKernel = addWeight("pointwise_kernel", new int[] {1, 1, depthwiseChannels, filters},
                pointwiseInitializer, true);
        if (useBias) {
            bias = addWeight("bias", new int[] {filters}, biasInitializer, true);
        }
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor d = DepthwiseConv2D.depthwise(dataFormat.toLast(x), depthwiseKernel.value(), window);
        Tensor y = Conv2d.conv2d(d, pointwiseKernel.value(), Padding.VALID, 1);
        if (bias != null) {
            y = Arithmetic.add(y, bias.value());
        }
        return dataFormat.toFirst(Activations.get(activation).apply(y));
    }
}
