package org.transfer4j.nn.layers;

import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code GlobalAveragePooling2D(keepdims)}: the mean over H and W of each channel,
 * {@code x (N,H,W,C) -> y (N,C)}, or {@code (N,1,1,C)} with {@code keepdims(true)} (Keras' default is false).
 */
public class GlobalAveragePooling2D extends GlobalPooling2D<GlobalAveragePooling2D> {

    /** Pools to {@code (N,C)}; see {@link #keepdims(boolean)}. */
    public GlobalAveragePooling2D() {
    }

    @Override
    Tensor pool(Tensor x, boolean keepdims) {
        return Pool2d.globalAvgPool(x, keepdims);
    }
}
