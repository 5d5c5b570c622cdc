package org.transfer4j.nn.layers;

import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code MaxPooling2D(pool_size, strides, padding)}: {@code x (N,H,W,C) -> y (N,OH,OW,C)}, the maximum
 * of each window (padded cells never win). Pool size {@code (2, 2)} by default; strides, padding and the
 * output size are those of {@link Pooling2D}.
 */
public class MaxPooling2D extends Pooling2D<MaxPooling2D> {

    public MaxPooling2D() {
        this(2);
    }

    public MaxPooling2D(int poolSize) {
        this(poolSize, poolSize);
    }

    public MaxPooling2D(int poolH, int poolW) {
        super("MaxPooling2D", poolH, poolW);
    }

    @Override
    Tensor pool(Tensor x, Window2D w) {
        return Pool2d.maxPool2d(x, w.height(), w.width(), w.strideH(), w.strideW(), w.padding());
    }
}
