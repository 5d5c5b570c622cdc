package org.transfer4j.nn.layers;

import java.util.function.UnaryOperator;
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
 * glorot-uniform kernel, zero bias.
 */
public class Conv2D extends SingleInputLayer {
    private final int filters;
    private final int kernelH;
    private final int kernelW;
    private int strideH = 1;
    private int strideW = 1;
    private Padding padding = Padding.VALID;
    private int dilationH = 1;
    private int dilationW = 1;
    private int groups = 1;
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
        if (filters < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("Conv2D needs positive filters and kernel size, got filters=" + filters
                    + ", kernel " + kernelH + "x" + kernelW);
        }
        this.filters = filters;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
    }

    public Conv2D strides(int stride) {
        return strides(stride, stride);
    }

    public Conv2D strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        LayerArgs.positive("strides", strideH, strideW);
        this.strideH = strideH;
        this.strideW = strideW;
        return this;
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public Conv2D padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public Conv2D padding(Padding value) {
        checkNotBuilt("padding");
        this.padding = value;
        return this;
    }

    public Conv2D dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public Conv2D dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        LayerArgs.positive("dilationRate", rateH, rateW);
        this.dilationH = rateH;
        this.dilationW = rateW;
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

    public Conv2D activation(String name) {
        checkNotBuilt("activation");
        Activations.get(name);
        this.activation = name == null ? "linear" : name;
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

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("Conv2D expects (H,W,C) inputs", in);
        }
        if (in[2] % groups != 0) {
            throw shapeError("input channels " + in[2] + " are not divisible by groups " + groups, in);
        }
        if (kernel != null && kernel.shape()[2] != in[2] / groups) {
            throw shapeError("the kernel was built for " + kernel.shape()[2] * groups + " input channels",
                    in, kernel.shape());
        }
        int[] rows = padding.rows(in[0], kernelH, strideH, dilationH);
        int[] cols = padding.cols(in[1], kernelW, strideW, dilationW);
        int oh = LayerArgs.outSize(in[0] + rows[0] + rows[1], kernelH, strideH, dilationH);
        int ow = LayerArgs.outSize(in[1] + cols[0] + cols[1], kernelW, strideW, dilationW);
        if (oh < 1 || ow < 1) {
            throw shapeError("the " + kernelH + "x" + kernelW + " kernel (dilation " + dilationH + "x" + dilationW
                    + ") does not fit the input", in);
        }
        return new int[] {oh, ow, filters};
    }

    @Override
    protected void build(int[] in) {
        kernel = addWeight("kernel", new int[] {kernelH, kernelW, in[2] / groups, filters}, kernelInitializer, true);
        if (useBias) {
            bias = addWeight("bias", new int[] {filters}, biasInitializer, true);
        }
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor y = Conv2d.conv2d(x, kernel.value(), padding, strideH, strideW, dilationH, dilationW, groups);
        if (bias != null) {
            y = Arithmetic.add(y, bias.value());
        }
        UnaryOperator<Tensor> f = Activations.get(activation);
        return f.apply(y);
    }
}
