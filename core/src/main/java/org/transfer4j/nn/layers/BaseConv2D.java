package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Activations;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link Conv2D}, {@link DepthwiseConv2D} and {@link SeparableConv2D} share, as Keras' {@code BaseConv}:
 * the kernel window (size, strides, padding, dilation), {@code data_format}, {@code activation} and
 * {@code use_bias}, and the shape rule {@code x (N,H,W,C) -> y (N,OH,OW,C')}. A subclass keeps its own
 * arguments (filters, groups, depth multiplier, initializers), builds its weights and computes the
 * convolution plus bias in {@link #convolve}; here the input is brought to channels_last, the activation
 * applied and the result brought back ({@link DataFormat}). Defaults as in Keras: strides 1, padding
 * "valid", dilation 1, no activation, bias on; with "valid" {@code OH = floor((H - dilationH*(KH-1) - 1)
 * / strideH) + 1}, with "same" {@code OH = ceil(H / strideH)}.
 *
 * @param <T> the subclass itself ({@code Conv2D extends BaseConv2D<Conv2D>}), so that the fluent setters
 *            declared here return the concrete layer: {@code new Conv2D(8, 3).strides(2)} is a
 *            {@code Conv2D}, as it would be if the setters were written in each subclass
 */
public abstract class BaseConv2D<T extends BaseConv2D<T>> extends SingleInputLayer {
    private final String layer; // the Keras class name, for error messages
    private Window2D window; // kernel size, strides, padding, dilation
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    private String activation = "linear";
    private boolean useBias = true;

    /** Package-private: the subclasses are the three convolution layers of this package. */
    BaseConv2D(String layer, int kernelH, int kernelW) {
        this.layer = layer;
        this.window = Window2D.kernel(layer, kernelH, kernelW);
    }

    /**
     * The output's channels C' for an input with this many channels; throws {@link #shapeError} (quoting
     * the input shape {@code in}, in its own data format) when the channels do not suit the layer's
     * arguments or the weights it was built with.
     */
    abstract int outputChannels(int channels, int[] in);

    /** The convolution plus bias, before the activation: {@code x (N,H,W,C) -> (N,OH,OW,C')}. */
    abstract Tensor convolve(Tensor x);

    public T strides(int stride) {
        return strides(stride, stride);
    }

    public T strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        window = window.withStrides(strideH, strideW);
        return self();
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public T padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public T padding(Padding value) {
        checkNotBuilt("padding");
        window = window.withPadding(value);
        return self();
    }

    public T dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public T dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        window = window.withDilation(rateH, rateW);
        return self();
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public T dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return self();
    }

    public T activation(String name) {
        checkNotBuilt("activation");
        this.activation = LayerArgs.activation(name);
        return self();
    }

    public T useBias(boolean value) {
        checkNotBuilt("useBias");
        this.useBias = value;
        return self();
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
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

    /** The kernel window, for a subclass's weights and convolution. */
    final Window2D window() {
        return window;
    }

    /** The channels C of an input shape (batch excluded) in this layer's data format. */
    final int channels(int[] in) {
        return dataFormat.toLast(in)[2];
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError(layer + " expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        int channels = outputChannels(hwc[2], in);
        int[] out = window.output(hwc[0], hwc[1]);
        if (out == null) {
            throw shapeError(window.misfit(), in);
        }
        return dataFormat.toFirst(new int[] {out[0], out[1], channels});
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return dataFormat.toFirst(Activations.get(activation).apply(convolve(dataFormat.toLast(x))));
    }

    @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
    private T self() {
        return (T) this;
    }
}
