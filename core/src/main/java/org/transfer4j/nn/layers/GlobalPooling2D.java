package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link GlobalAveragePooling2D} and {@link GlobalMaxPooling2D} share, as Keras' {@code BaseGlobalPooling}:
 * {@code keepdims} and the output shape, {@code x (N,H,W,C) -> y (N,C)}, or {@code (N,1,1,C)} with
 * {@code keepdims(true)} (Keras' default is false); a subclass only chooses the pooling op. With
 * {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y (N,C)}, or {@code (N,C,1,1)} with keepdims.
 *
 * @param <T> the subclass itself, so that {@link #keepdims(boolean)} returns the concrete layer (as in
 *            {@link Pooling2D})
 */
public abstract class GlobalPooling2D<T extends GlobalPooling2D<T>> extends SingleInputLayer {
    private boolean keepdims;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    /** Package-private: the subclasses are the two global pooling layers of this package. */
    GlobalPooling2D() {
    }

    /** The pooling op over H and W, {@code x (N,H,W,C) -> (N,C)}, or {@code (N,1,1,C)} when keepdims. */
    abstract Tensor pool(Tensor x, boolean keepdims);

    /** Keras' {@code keepdims}: keep H and W as axes of size 1. */
    public T keepdims(boolean value) {
        checkNotBuilt("keepdims");
        this.keepdims = value;
        @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
        T self = (T) this;
        return self;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public T dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
        T self = (T) this;
        return self;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    public boolean keepdims() {
        return keepdims;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError(typeName() + " expects " + dataFormat.axes() + " inputs", in);
        }
        int channels = dataFormat.toLast(in)[2];
        return keepdims ? dataFormat.toFirst(new int[] {1, 1, channels}) : new int[] {channels};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        // channels_first: the pooling runs over axes 2 and 3; (N,C) needs no move back, (N,1,1,C) becomes (N,C,1,1)
        return dataFormat.toFirst(pool(dataFormat.toLast(x), keepdims));
    }
}
