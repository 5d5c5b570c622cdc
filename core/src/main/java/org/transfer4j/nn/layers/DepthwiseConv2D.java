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
 * Keras {@code DepthwiseConv2D}: each input channel is convolved with its own {@code depthMultiplier}
 * filters, {@code x (N,H,W,C) -> activation(y + bias) (N,OH,OW,C*M)}, where output channel
 * {@code c*M + m} is input channel c convolved with {@code depthwise_kernel[:, :, c, m]}.
 * Weights: {@code depthwise_kernel (KH,KW,C,M)}, {@code bias (C*M)}. Defaults as in Keras: strides 1,
 * padding "valid", depth multiplier 1, dilation 1, no activation, bias on, glorot-uniform kernel, zero bias.
 * Keras refuses strides > 1 together with dilation > 1; here that combination is computed (a strided
 * convolution with a dilated kernel), as {@link Conv2D} does. With {@code dataFormat("channels_first")},
 * {@code x (N,C,H,W) -> y (N,C*M,OH,OW)} and the same weights ({@link DataFormat}).
 */
public class DepthwiseConv2D extends SingleInputLayer {
    private Window2D window; // kernel size, strides, padding, dilation
    private int depthMultiplier = 1;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    private String activation = "linear";
    private boolean useBias = true;
    private Initializer depthwiseInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight depthwiseKernel;
    private Weight bias;

    public DepthwiseConv2D(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public DepthwiseConv2D(int kernelH, int kernelW) {
        this.window = Window2D.kernel("DepthwiseConv2D", kernelH, kernelW);
    }

    public DepthwiseConv2D strides(int stride) {
        return strides(stride, stride);
    }

    public DepthwiseConv2D strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        window = window.withStrides(strideH, strideW);
        return this;
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public DepthwiseConv2D padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public DepthwiseConv2D padding(Padding value) {
        checkNotBuilt("padding");
        window = window.withPadding(value);
        return this;
    }

    /** The number of filters per input channel (M): the output has {@code C*M} channels. */
    public DepthwiseConv2D depthMultiplier(int value) {
        checkNotBuilt("depthMultiplier");
        LayerArgs.positive("depthMultiplier", value);
        this.depthMultiplier = value;
        return this;
    }

    public DepthwiseConv2D dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public DepthwiseConv2D dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        window = window.withDilation(rateH, rateW);
        return this;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public DepthwiseConv2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    public DepthwiseConv2D activation(String name) {
        checkNotBuilt("activation");
        this.activation = LayerArgs.activation(name);
        return this;
    }

    public DepthwiseConv2D useBias(boolean value) {
        checkNotBuilt("useBias");
        this.useBias = value;
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
            throw shapeError("DepthwiseConv2D expects " + dataFormat.axes() + " inputs", in);
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
        return dataFormat.toFirst(new int[] {out[0], out[1], hwc[2] * depthMultiplier});
    }

    @Override
    protected void build(int[] shape) {
        int[] in = dataFormat.toLast(shape);
        depthwiseKernel = addWeight("depthwise_kernel",
                new int[] {window.height(), window.width(), in[2], depthMultiplier}, depthwiseInitializer, true);
        if (useBias) {
            bias = addWeight("bias", new int[] {in[2] * depthMultiplier}, biasInitializer, true);
        }
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor y = depthwise(dataFormat.toLast(x), depthwiseKernel.value(), window);
        if (bias != null) {
            y = Arithmetic.add(y, bias.value());
        }
        return dataFormat.toFirst(Activations.get(activation).apply(y));
    }

    /**
     * {@code x (N,H,W,C), kernel (KH,KW,C,M) -> (N,OH,OW,C*M)}: the kernel's memory is that of an HWIO
     * kernel {@code (KH,KW,1,C*M)} whose output channel {@code c*M + m} belongs to group c, so a
     * convolution with {@code groups = C} computes it (as {@link Conv2d#depthwiseConv2d} does, but with
     * separate strides and dilation). The reshape is recorded, so the kernel receives its gradient.
     * The window gives the strides, padding and dilation; its size is the kernel's.
     */
    static Tensor depthwise(Tensor x, Tensor kernel, Window2D window) {
        int[] k = kernel.shape();
        Tensor hwio = kernel.reshape(k[0], k[1], 1, k[2] * k[3]);
        return Conv2d.conv2d(x, hwio, window.padding(), window.strideH(), window.strideW(), window.dilationH(),
                window.dilationW(), k[2]);
    }
}
