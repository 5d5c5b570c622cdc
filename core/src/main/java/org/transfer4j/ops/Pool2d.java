package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * 2-D pooling over NHWC images: {@code x (N,H,W,C) -> y (N,OH,OW,C)} with a {@code poolH x poolW}
 * window moved by {@code (strideH, strideW)}. {@link Padding#VALID}: {@code OH = (H - poolH) / strideH + 1};
 * {@link Padding#SAME}: {@code OH = ceil(H / strideH)}, the odd padding row/column at the bottom/right.
 * Padded cells never count (Keras/TensorFlow): max ignores them and average divides by the number of
 * real cells under the window, so a corner of a SAME 3x3 average sees 4 cells, not 9.
 *
 * <p>Backward: max pooling sends each output gradient to the first maximum of its window (row-major
 * window order, so ties go to the top-left one); average pooling spreads it evenly over the window's
 * real cells. Global pooling reduces H and W: {@code x (N,H,W,C) -> (N,C)}, or {@code (N,1,1,C)} with
 * {@code keepDims}.
 */
public final class Pool2d {
    private Pool2d() {
    }

    public static Tensor maxPool2d(Tensor x, int poolH, int poolW, int strideH, int strideW, Padding padding) {
        return pool("maxPool2d", Pool2dSpec.Kind.MAX, x, poolH, poolW, strideH, strideW, padding);
    }

    /** Square window and stride, as Keras {@code MaxPooling2D(pool_size=pool, strides=stride)}. */
    public static Tensor maxPool2d(Tensor x, int pool, int stride, Padding padding) {
        return maxPool2d(x, pool, pool, stride, stride, padding);
    }

    public static Tensor avgPool2d(Tensor x, int poolH, int poolW, int strideH, int strideW, Padding padding) {
        return pool("avgPool2d", Pool2dSpec.Kind.AVG, x, poolH, poolW, strideH, strideW, padding);
    }

    public static Tensor avgPool2d(Tensor x, int pool, int stride, Padding padding) {
        return avgPool2d(x, pool, pool, stride, stride, padding);
    }

    /** Mean over H and W (Keras {@code GlobalAveragePooling2D}). */
    public static Tensor globalAvgPool(Tensor x, boolean keepDims) {
        requireImages("globalAvgPool", x);
        return Reduce.mean(x, new int[] {1, 2}, keepDims);
    }

    /** Max over H and W (Keras {@code GlobalMaxPooling2D}); tied maxima share the gradient equally. */
    public static Tensor globalMaxPool(Tensor x, boolean keepDims) {
        requireImages("globalMaxPool", x);
        return Reduce.max(x, new int[] {1, 2}, keepDims);
    }

    private static Tensor pool(String op, Pool2dSpec.Kind kind, Tensor x, int poolH, int poolW, int strideH,
                               int strideW, Padding padding) {
        x.ensureOpen(op);
        requireImages(op, x);
        if (poolH < 1 || poolW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException(op + ": pool size and strides must be at least 1, got pool "
                    + poolH + "x" + poolW + ", strides " + strideH + "x" + strideW);
        }
        int[] shape = x.shape();
        Pool2dSpec spec = Pool2dSpec.of(kind, padding, shape[1], shape[2], poolH, poolW, strideH, strideW);
        if (spec.outHeight(shape[1]) < 1 || spec.outWidth(shape[2]) < 1) {
            throw ShapeMismatchException.of(op, "a " + poolH + "x" + poolW + " window with " + padding
                    + " padding does not fit the input", shape);
        }
        Tensor input = x.detach().contiguous();
        Tensor y = x.backend().pool2d(input, spec);
        return Autograd.record(op, y, g -> new Tensor[] {
            x.backend().pool2dBackward(input, y.detach(), g, spec)}, x);
    }

    private static void requireImages(String op, Tensor x) {
        if (x.rank() != 4) {
            throw ShapeMismatchException.of(op, "x must be (N,H,W,C), got rank " + x.rank(), x.shape());
        }
        if (Shape.numel(x.shape()) == 0) {
            throw ShapeMismatchException.of(op, "x is empty", x.shape());
        }
    }
}
