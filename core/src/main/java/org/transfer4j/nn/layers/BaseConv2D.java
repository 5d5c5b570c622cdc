package org.transfer4j.nn.layers;

import org.transfer4j.nn.Activations;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link Conv2D}, {@link DepthwiseConv2D} and {@link SeparableConv2D} share, as Keras' {@code BaseConv}:
 * the kernel size and dilation, {@code activation} and {@code use_bias}; strides, padding,
 * {@code data_format} and the shape rule {@code x (N,H,W,C) -> y (N,OH,OW,C')} come from
 * {@link SlidingWindow2D}. A subclass keeps its own arguments (filters, groups, depth multiplier,
 * initializers), builds its weights and computes the convolution plus bias in {@link #convolve}, on
 * channels_last data; the activation is applied here. Defaults as in Keras: strides 1, padding
 * "valid", dilation 1, no activation, bias on; with "valid" {@code OH = floor((H - dilationH*(KH-1) - 1)
 * / strideH) + 1}, with "same" {@code OH = ceil(H / strideH)}.
 *
 * @param <T> the subclass itself ({@code Conv2D extends BaseConv2D<Conv2D>}), so that the fluent setters
 *            declared here and in {@link SlidingWindow2D} return the concrete layer
 */
public abstract class BaseConv2D<T extends BaseConv2D<T>> extends SlidingWindow2D<T> {
    /** No padding before the layer's own: {@code {top, bottom, left, right}} for {@link #paddingAfter}. */
    static final int[] NO_PADS = {0, 0, 0, 0};

    private String activation = "linear";
    private boolean useBias = true;

    /** Package-private: the subclasses are the three convolution layers of this package. */
    BaseConv2D(String layer, int kernelH, int kernelW) {
        super(layer, Window2D.kernel(layer, kernelH, kernelW));
    }

    /** The convolution plus bias, before the activation: {@code x (N,H,W,C) -> (N,OH,OW,C')}. */
    abstract Tensor convolve(Tensor x);

    public T dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    public T dilationRate(int rateH, int rateW) {
        checkNotBuilt("dilationRate");
        setWindow(window().withDilation(rateH, rateW));
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

    public String activation() {
        return activation;
    }

    /** {@code {kernelH, kernelW}}. */
    public int[] kernelSize() {
        return new int[] {window().height(), window().width()};
    }

    /** {@code {dilationH, dilationW}}. */
    public int[] dilationRate() {
        return new int[] {window().dilationH(), window().dilationW()};
    }

    public boolean useBias() {
        return useBias;
    }

    /** {@link FoldableConvolution#isChannelsLast}. */
    public boolean isChannelsLast() {
        return DataFormat.of(dataFormat()) == DataFormat.CHANNELS_LAST;
    }

    /** The convolution reads x and its kernel, the bias add nothing; only an activation may read the output. */
    @Override
    protected boolean backwardReadsOutput() {
        return !activation.equals("linear");
    }

    @Override
    final Tensor computeChannelsLast(Tensor x) {
        return Activations.get(activation).apply(convolve(x));
    }
}
