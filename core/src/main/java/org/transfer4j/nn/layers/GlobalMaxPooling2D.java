package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code GlobalMaxPooling2D}: the maximum over H and W (tied maxima share the gradient equally) of each channel,
 * {@code x (N,H,W,C) -> y (N,C)}, or {@code (N,1,1,C)} with {@code keepdims(true)} (Keras' default is false).
 */
public class GlobalMaxPooling2D extends SingleInputLayer {
    private boolean keepdims;

    /** Pools to {@code (N,C)}; see {@link #keepdims(boolean)}. */
    public GlobalMaxPooling2D() {
    }

    /** Keras' {@code keepdims}: keep H and W as axes of size 1. */
    public GlobalMaxPooling2D keepdims(boolean value) {
        checkNotBuilt("keepdims");
        this.keepdims = value;
        return this;
    }

    public boolean keepdims() {
        return keepdims;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("GlobalMaxPooling2D expects (H,W,C) inputs", in);
        }
        if (in[0] < 1 || in[1] < 1) {
            throw shapeError("GlobalMaxPooling2D needs at least one pixel", in);
        }
        return keepdims ? new int[] {1, 1, in[2]} : new int[] {in[2]};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Pool2d.globalMaxPool(x, keepdims);
    }
}
