package org.transfer4j.nn.layers;

import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Conv2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Conv2D}: {@code x (N,H,W,C) -> activation(conv(x, kernel) + bias) (N,OH,OW,filters)}.
 * Weights: {@code kernel (KH,KW,C/groups,filters)} (HWIO, Keras' layout), {@code bias (filters)}.
 * Defaults as in Keras: strides 1, padding "valid", dilation 1, groups 1, no activation, bias on,
 * glorot-uniform kernel, zero bias. With {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y
 * (N,filters,OH,OW)} and the same kernel ({@link DataFormat}). The strides, padding, dilation, data format,
 * activation and bias switch are {@link BaseConv2D}'s.
 */
public class Conv2D extends BaseConv2D<Conv2D> implements FoldableConvolution {
    private final int filters;
    private int groups = 1;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight kernel;
    private Weight bias;

    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2D(int filters, int kernelH, int kernelW) {
        LayerArgs.positive("Conv2D filters", filters); // before the kernel size, as it was checked first
        super("Conv2D", kernelH, kernelW);
        this.filters = filters;
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

    public int groups() {
        return groups;
    }

    @Override
    int outputChannels(int channels, int[] in) {
        if (channels % groups != 0) {
            throw shapeError("input channels " + channels + " are not divisible by groups " + groups, in);
        }
        if (kernel != null && kernel.shape()[2] != channels / groups) {
            throw shapeError("the kernel was built for " + kernel.shape()[2] * groups + " input channels",
                    in, kernel.shape());
        }
        return filters;
    }

    @Override
    protected void build(int[] in) {
        Window2D window = window();
        kernel = addWeight("kernel", new int[] {window.height(), window.width(), channels(in) / groups, filters},
                kernelInitializer, true);
        if (useBias()) {
            bias = addWeight("bias", new int[] {filters}, biasInitializer, true);
        }
    }

    @Override
    Tensor convolve(Tensor x) {
        return BiasAdd.onto(convolveBare(x, NO_PADS), bias);
    }

    @Override
    public Tensor convolveBare(Tensor x, int[] pads) {
        Window2D window = window();
        return Conv2d.conv2d(x, kernel.value(), paddingAfter(pads, x.shape(1), x.shape(2)), window.strideH(),
                window.strideW(), window.dilationH(), window.dilationW(), groups);
    }

    @Override
    public Weight biasWeight() {
        return bias;
    }

}
