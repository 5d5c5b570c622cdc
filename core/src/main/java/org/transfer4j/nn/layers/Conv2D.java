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
 * Keras {@code Conv2D}: {@code x (N,H,W,C) -> activation(conv(x, kernel) + bias) (N,OH,OW,filters)}.
 * Weights: {@code kernel (KH,KW,C/groups,filters)} (HWIO, Keras' layout), {@code bias (filters)}.
 * Defaults as in Keras: strides 1, padding "valid", dilation 1, groups 1, no activation, bias on,
 * glorot-uniform kernel, zero bias. With {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y
 * (N,filters,OH,OW)} and the same kernel ({@link DataFormat}).
 */
public class Conv2D extends SingleInputLayer {
    private final int filters;
    private Window2D window; // kernel size, strides, padding, dilation
    private int groups = 1;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    private String activation = "linear";
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight kernel;
    private Weight bias;

    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2D(int filters, int kernelH, int kernelW) {
        LayerArgs.positive("Conv2D filters", filters);
        this.filters = filters;
        this.window = Window2D.kernel("Conv2D", kernelH, kernelW);
    }

    public Conv2D strides(int stride) {
        return strides(stride, stride);
    }

    public Conv2D strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        window = window.withStrides(strideH, strideW);
        return this;
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public Conv2D padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public Conv2D padding(Padding value) {
        checkNotBuilt("padding");
        window = window.withPadding(value);
        return this;
    }

    public Conv2D dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public Conv2D dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        window = window.withDilation(rateH, rateW);
        return this;
    }

    /** Grouped convolution: input and output channels split into this many independent groups. */
    public Conv2D groups(int value) {
        checkNotBuilt("groups");
        LayerArgs.positive("groups", value);
        if (filters % value != 0) {
            throw new IllegalArgumentException("Conv2D: filters " + filters + " is not divisible by groups " + value);
        }
        this.groups = value;
        return this;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public Conv2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    public Conv2D activation(String name) {
        checkNotBuilt("activation");
        this.activation = LayerArgs.activation(name);
        return this;
    }

    public Conv2D useBias(boolean value) {
        checkNotBuilt("useBias");
        this.useBias = value;
        return this;
    }

    public Conv2D kernelInitializer(Initializer value) {
        checkNotBuilt("kernelInitializer");
        this.kernelInitializer = value;
        return this;
    }

    public Conv2D biasInitializer(Initializer value) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = value;
        return this;
    }

    public int filters() {
        return filters;
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

    public int groups() {
        return groups;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("Conv2D expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        if (hwc[2] % groups != 0) {
            throw shapeError("input channels " + hwc[2] + " are not divisible by groups " + groups, in);
        }
        if (kernel != null && kernel.shape()[2] != hwc[2] / groups) {
            throw shapeError("the kernel was built for " + kernel.shape()[2] * groups + " input channels",
                    in, kernel.shape());
        }
        int[] out = window.output(hwc[0], hwc[1]);
        if (out == null) {
            throw shapeError(window.misfit(), in);
        }
        return dataFormat.toFirst(new int[] {out[0], out[1], filters});
    }

    @Override
    protected void build(int[] in) {
        int channels = dataFormat.toLast(in)[2];
        kernel = addWeight("kernel", new int[] {window.height(), window.width(), channels / groups, filters},
                kernelInitializer, true);
        if (useBias) {
            bias = addWeight("bias", new int[] {filters}, biasInitializer, true);
        }
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor y = Conv2d.conv2d(dataFormat.toLast(x), kernel.value(), window.padding(), window.strideH(),
                window.strideW(), window.dilationH(), window.dilationW(), groups);
        if (bias != null) {
            y = Arithmetic.add(y, bias.value());
        }
        return dataFormat.toFirst(Activations.get(activation).apply(y));
    }
}
