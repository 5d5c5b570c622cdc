package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link MaxPooling2D} and {@link AveragePooling2D} share, as Keras' {@code BasePooling}: the pool
 * size, strides and padding, and the output shape {@code x (N,H,W,C) -> y (N,OH,OW,C)}; a subclass only
 * chooses the pooling op. Defaults as in Keras: strides equal to the pool size unless set, padding "valid"
 * ({@code OH = (H - poolH) / strideH + 1}); "same" gives {@code OH = ceil(H / strideH)}. With
 * {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y (N,C,OH,OW)} ({@link DataFormat}).
 *
 * @param <T> the subclass itself ({@code MaxPooling2D extends Pooling2D<MaxPooling2D>}), so that the
 *            fluent setters declared here return the concrete layer: {@code new MaxPooling2D(3).strides(2)}
 *            is a {@code MaxPooling2D}, as it would be if the setters were written in each subclass.
 */
public abstract class Pooling2D<T extends Pooling2D<T>> extends SingleInputLayer {
    private Window2D window;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    /** Package-private: the subclasses are the two pooling layers of this package. */
    Pooling2D(int poolH, int poolW) {
        this.window = Window2D.pool(getClass().getSimpleName(), poolH, poolW);
    }

    /** The pooling op over this window, {@code x (N,H,W,C) -> (N,OH,OW,C)}. */
    abstract Tensor pool(Tensor x, Window2D window);

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

    /** {@code {poolH, poolW}}. */
    public int[] poolSize() {
        return new int[] {window.height(), window.width()};
    }

    /** {@code {strideH, strideW}}. */
    public int[] strides() {
        return new int[] {window.strideH(), window.strideW()};
    }

    /** {@link Padding#VALID} or {@link Padding#SAME}. */
    public Padding padding() {
        return window.padding();
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError(typeName() + " expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        int[] out = window.output(hwc[0], hwc[1]);
        if (out == null) {
            throw shapeError(window.misfit(), in);
        }
        return dataFormat.toFirst(new int[] {out[0], out[1], hwc[2]});
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return dataFormat.toFirst(pool(dataFormat.toLast(x), window));
    }

    @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
    private T self() {
        return (T) this;
    }
}
