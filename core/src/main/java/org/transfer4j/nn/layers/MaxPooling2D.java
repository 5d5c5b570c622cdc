package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
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

    /**
     * Whether {@link #poolZeroPadded} may stand for a {@code ZeroPadding2D} with these {@code pads} followed by
     * this layer: channels_last, padding "valid", and each pad smaller than the window, so that every window
     * still covers an element of x.
     */
    public boolean joinsZeroPadding(int[] pads) {
        Window2D w = window();
        return dataFormat().equals("channels_last") && w.padding().equals(Padding.VALID)
                && pads[0] < w.height() && pads[1] < w.height() && pads[2] < w.width() && pads[3] < w.width();
    }

    /**
     * This layer on {@code x (N,H,W,C)} padded first with {@code pads = {top, bottom, left, right}} zeros, for an x
     * that is never negative (a ReLU's output), without the padded copy: a zero then never exceeds a window's
     * maximum, so the pads can be left out of the windows, as the pooling's own padding is. The gradient reaching
     * x can differ from the padded version's only where x is 0 (a tie with a padded zero), which the ReLU's
     * derivative, 0 there, discards. See {@link #joinsZeroPadding} for when it applies.
     */
    public Tensor poolZeroPadded(Tensor x, int[] pads) {
        Window2D w = window();
        return Pool2d.maxPool2d(x, w.height(), w.width(), w.strideH(), w.strideW(),
                paddingAfter(pads, x.shape(1), x.shape(2)));
    }
}
