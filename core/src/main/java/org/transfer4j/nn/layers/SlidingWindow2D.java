package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * What every layer that slides a 2-D window over an image shares — the convolutions ({@link BaseConv2D})
 * and the poolings ({@link Pooling2D}): the window's strides and padding ({@link Window2D}), Keras'
 * {@code data_format}, and the shape rule {@code x (N,H,W,C) -> y (N,OH,OW,C')} with
 * {@code OH, OW} from the window. With {@code dataFormat("channels_first")} the input {@code (N,C,H,W)} is
 * brought to channels_last, computed, and the result brought back ({@link DataFormat}).
 *
 * @param <T> the concrete layer ({@code Conv2D}, {@code MaxPooling2D}, ...), so that the fluent setters
 *            declared here return it: {@code new MaxPooling2D(3).strides(2)} is a {@code MaxPooling2D}, as it
 *            would be if the setters were written in each layer
 */
public abstract class SlidingWindow2D<T extends SlidingWindow2D<T>> extends SingleInputLayer {
    private final String layer; // the Keras class name, for error messages
    private Window2D window;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    /** Package-private: the subclasses are this package's convolution and pooling bases. */
    SlidingWindow2D(String layer, Window2D window) {
        this.layer = layer;
        this.window = window;
    }

    /**
     * The output's channels C' for an input with this many channels; throws {@link #shapeError} (quoting
     * the input shape {@code in}, in its own data format) when the channels do not suit the layer.
     */
    abstract int outputChannels(int channels, int[] in);

    /** The layer's computation on channels_last data: {@code x (N,H,W,C) -> (N,OH,OW,C')}. */
    abstract Tensor computeChannelsLast(Tensor x);

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

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public T dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return self();
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    /** {@code {strideH, strideW}}. */
    public int[] strides() {
        return new int[] {window.strideH(), window.strideW()};
    }

    /** {@link Padding#VALID}, {@link Padding#SAME} or an explicit padding. */
    public Padding padding() {
        return window.padding();
    }

    /**
     * The padding this layer applies to an input of {@code height x width} that was first padded by
     * {@code pads = {top, bottom, left, right}}, added to those pads: one explicit padding of the unpadded
     * input. "same" is resolved on the padded size, as the two layers in a row would.
     */
    Padding paddingAfter(int[] pads, int height, int width) {
        if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) {
            return window().padding();
        }
        Window2D w = window();
        int[] rows = w.padding().rows(height + pads[0] + pads[1], w.height(), w.strideH(), w.dilationH());
        int[] cols = w.padding().cols(width + pads[2] + pads[3], w.width(), w.strideW(), w.dilationW());
        return Padding.explicit(pads[0] + rows[0], pads[1] + rows[1], pads[2] + cols[0], pads[3] + cols[1]);
    }

    /** The window, for a subclass's weights and computation. */
    final Window2D window() {
        return window;
    }

    /** Replaces the window (a subclass's own window setting, e.g. the dilation); call checkNotBuilt first. */
    final void setWindow(Window2D value) {
        this.window = value;
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
        return dataFormat.toFirst(computeChannelsLast(dataFormat.toLast(x)));
    }

    @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
    final T self() {
        return (T) this;
    }
}
