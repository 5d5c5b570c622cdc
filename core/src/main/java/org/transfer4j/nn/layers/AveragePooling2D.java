package org.transfer4j.nn.layers;

import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code AveragePooling2D(pool_size, strides, padding)}: {@code x (N,H,W,C) -> y (N,OH,OW,C)}, the mean
 * of each window. With "same" padding the mean is over the window's real cells only (Keras/TensorFlow), so
 * the corner window of a 3x3 pool with stride 1 divides by 4, not 9. Pool size {@code (2, 2)} by default;
 * strides, padding and the output size are those of {@link Pooling2D}.
 */
public class AveragePooling2D extends Pooling2D<AveragePooling2D> {

    public AveragePooling2D() {
        this(2);
    }

    public AveragePooling2D(int poolSize) {
        this(poolSize, poolSize);
    }

    public AveragePooling2D(int poolH, int poolW) {
        super("AveragePooling2D", poolH, poolW);
    }

    @Override
    Tensor pool(Tensor x, Window2D w) {
        return Pool2d.avgPool2d(x, w.height(), w.width(), w.strideH(), w.strideW(), w.padding());
    }
}
