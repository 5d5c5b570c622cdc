package org.transfer4j.backend;

import java.util.Arrays;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The argument checks every backend's batch norm makes before it computes: {@code x (..., C)} is not
 * empty, each per-channel tensor ({@code gamma, beta, mean, variance, invStd}) has C elements, the
 * backward pass's {@code dy} has x's shape, and the moving statistics and the batch's have one shape.
 */
public final class BatchNormChecks {
    private BatchNormChecks() {
    }

    /**
     * C, the size of x's last axis, after checking each per-channel tensor has C elements.
     *
     * @param op the SPI method, named in the error ({@code "batchNormTraining"})
     * @throws IllegalArgumentException naming the op and both shapes when x is empty or a size differs
     */
    public static int channels(String op, Tensor x, Tensor... perChannel) {
        if (x.rank() == 0 || x.numel() == 0) {
            throw new IllegalArgumentException(op + ": x must be non-empty (..., C), got " + Arrays.toString(x.shape()));
        }
        int c = x.shape(-1);
        for (Tensor t : perChannel) {
            if (t.numel() != c) {
                throw new IllegalArgumentException(op + ": per-channel tensor " + Arrays.toString(t.shape())
                        + " does not have C = " + c + " elements (x " + Arrays.toString(x.shape()) + ")");
            }
        }
        return c;
    }

    /**
     * {@code movingAverage}'s arguments: the moving statistic and the batch's have the same shape.
     *
     * @throws ShapeMismatchException naming both shapes when they differ
     */
    public static void movingAverage(Tensor average, Tensor value) {
        if (!Arrays.equals(average.shape(), value.shape())) {
            throw ShapeMismatchException.of("movingAverage", "the value's shape differs from the average's",
                    average.shape(), value.shape());
        }
    }

    /**
     * {@code batchNormMovingAverages}' arguments: the moving mean is {@code (C)} (rank 1), and the batch mean, the
     * bias (when not null), the moving variance and the batch variance all have its shape.
     *
     * @throws ShapeMismatchException naming the argument at fault and both shapes
     */
    public static void movingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                                      Tensor batchVariance) {
        String op = "batchNormMovingAverages";
        int[] c = movingMean.shape();
        if (c.length != 1) {
            throw ShapeMismatchException.of(op, "the moving mean must be (C), one value per channel", c);
        }
        Tensor[] others = {batchMean, bias, movingVariance, batchVariance};
        String[] names = {"batch mean", "bias", "moving variance", "batch variance"};
        for (int i = 0; i < others.length; i++) {
            if (others[i] != null && !Arrays.equals(c, others[i].shape())) {
                throw ShapeMismatchException.of(op, "the " + names[i] + " must be (C) as the moving mean is (moving mean, "
                        + names[i] + ")", c, others[i].shape());
            }
        }
    }

    /**
     * {@link #channels} for {@code batchNormBackward}, after also checking {@code dy} has x's shape.
     *
     * @throws IllegalArgumentException naming both shapes when dy differs from x
     */
    public static int backwardChannels(Tensor x, Tensor dy, Tensor... perChannel) {
        int c = channels("batchNormBackward", x, perChannel);
        if (!Arrays.equals(x.shape(), dy.shape())) {
            throw new IllegalArgumentException("batchNormBackward: dy " + Arrays.toString(dy.shape())
                    + " differs from x " + Arrays.toString(x.shape()));
        }
        return c;
    }

    /**
     * Checks the clamp of a batch norm with an activation: {@code low <= high} (neither NaN), and for the backward
     * pass ({@code y} not null) the clamped output y of x's shape.
     *
     * @param op the SPI method, named in the error
     * @throws IllegalArgumentException naming the bounds or both shapes
     */
    public static void clamp(String op, Tensor x, Tensor y, float low, float high) {
        ElementwiseChecks.clampBounds(op, low, high);
        if (y != null && !Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException(op + ": the clamped output y " + Arrays.toString(y.shape())
                    + " differs from x " + Arrays.toString(x.shape()));
        }
    }

    /**
     * {@link #channels} for {@code scaleShiftActivation} (a batch norm folded into a convolution's epilogue), after
     * checking that y, the scale (when there is one) and the shift are contiguous and that the residual, when
     * there is one, is contiguous and has y's shape.
     *
     * @throws IllegalArgumentException naming the shapes at fault
     */
    public static int scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual) {
        String op = "scaleShiftActivation";
        int c = scale == null ? channels(op, y, shift) : channels(op, y, scale, shift);
        if (!y.isContiguous() || !shift.isContiguous() || (scale != null && !scale.isContiguous())) {
            throw new IllegalArgumentException(op + ": y " + Arrays.toString(y.shape()) + ", the scale and the shift "
                    + Arrays.toString(shift.shape()) + " must be contiguous");
        }
        if (residual != null && (!Arrays.equals(y.shape(), residual.shape()) || !residual.isContiguous())) {
            throw new IllegalArgumentException(op + ": the residual " + Arrays.toString(residual.shape())
                    + " must be contiguous and of y's shape " + Arrays.toString(y.shape()));
        }
        return c;
    }
}
