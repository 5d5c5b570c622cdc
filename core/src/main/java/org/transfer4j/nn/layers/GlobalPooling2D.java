package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link GlobalAveragePooling2D} and {@link GlobalMaxPooling2D} share, as Keras' {@code BaseGlobalPooling}:
 * {@code keepdims} and the output shape, {@code x (N,H,W,C) -> y (N,C)}, or {@code (N,1,1,C)} with
 * {@code keepdims(true)} (Keras' default is false); a subclass only chooses the pooling op.
 *
 * @param <T> the subclass itself, so that {@link #keepdims(boolean)} returns the concrete layer (as in
 *            {@link Pooling2D})
 */
public abstract class GlobalPooling2D<T extends GlobalPooling2D<T>> extends SingleInputLayer {
    private boolean keepdims;

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

    public boolean keepdims() {
        return keepdims;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError(typeName() + " expects (H,W,C) inputs", in);
        }
        return keepdims ? new int[] {1, 1, in[2]} : new int[] {in[2]};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return pool(x, keepdims);
    }
}
