package org.transfer4j.nn.layers;

import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code GlobalMaxPooling2D(keepdims)}: the maximum over H and W of each channel (tied maxima share the
 * gradient equally), {@code x (N,H,W,C) -> y (N,C)}, or {@code (N,1,1,C)} with {@code keepdims(true)} (Keras'
 * default is false).
 */
public class GlobalMaxPooling2D extends GlobalPooling2D<GlobalMaxPooling2D> {

    /** Pools to {@code (N,C)}; see {@link #keepdims(boolean)}. */
    public GlobalMaxPooling2D() {
    }

    @Override
    Tensor pool(Tensor x, boolean keepdims) {
        return Pool2d.globalMaxPool(x, keepdims);
    }
}
