package org.transfer4j.cuda.dnn;

import java.util.Arrays;
import org.transfer4j.backend.Pool2dSpec;

/**
 * The cuDNN arguments of a 2-D pooling on NHWC tensors, from core's {@link Pool2dSpec}:
 * {@code x (N,H,W,C) -> y (N,OH,OW,C)}.
 *
 * <p>Modes: {@code MAX} is {@code CUDNN_POOLING_MAX_DETERMINISTIC} (the backward pass routes each
 * gradient to one maximum, reproducibly) with {@code CUDNN_PROPAGATE_NAN}, as the CPU backend
 * propagates NaN; {@code AVG} is {@code CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING}, which divides by
 * the real cells of the window, as Keras does with {@code padding="same"}.
 *
 * <p>cuDNN pools with symmetric padding only, and a pre-pad cannot stand in for the missing side
 * (zeros would change a max over negative values and the count of an average). So a spec whose
 * padding differs between top and bottom, or left and right, has no plan ({@link #supports} is false)
 * and is left to our own pooling kernel.
 */
public record PoolPlan(int mode, int windowH, int windowW, int padH, int padW, int strideH, int strideW,
                       int n, int h, int w, int c, int outH, int outW) {

    /** Whether cuDNN can run {@code spec}: its padding is symmetric on both axes. */
    public static boolean supports(Pool2dSpec spec) {
        return spec.padTop() == spec.padBottom() && spec.padLeft() == spec.padRight();
    }

    /**
     * The plan of pooling {@code x (N,H,W,C)} under {@code spec}.
     *
     * @throws IllegalArgumentException when the padding is asymmetric (naming it) or x is not rank 4
     */
    public static PoolPlan of(int[] xShape, Pool2dSpec spec) {
        if (xShape.length != 4) {
            throw new IllegalArgumentException("pooling input must be (N,H,W,C), got " + Arrays.toString(xShape));
        }
        if (!supports(spec)) {
            throw new IllegalArgumentException("cuDNN pooling pads symmetrically; padding top/bottom " + spec.padTop() + "/"
                    + spec.padBottom() + ", left/right " + spec.padLeft() + "/" + spec.padRight() + " needs the pooling kernel");
        }
        int mode = spec.kind() == Pool2dSpec.Kind.MAX ? CudnnConstants.POOLING_MAX_DETERMINISTIC
                : CudnnConstants.POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
        int outH = spec.outHeight(xShape[1]);
        int outW = spec.outWidth(xShape[2]);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("pooling " + spec + " of " + Arrays.toString(xShape) + " has an empty output");
        }
        return new PoolPlan(mode, spec.windowH(), spec.windowW(), spec.padTop(), spec.padLeft(), spec.strideH(), spec.strideW(),
                xShape[0], xShape[1], xShape[2], xShape[3], outH, outW);
    }

    /** {@code cudnnSetPooling2dDescriptor} arguments after the NaN option: {@code {windowH, windowW, padH, padW, strideH, strideW}}. */
    public int[] poolingDescriptor() {
        return new int[] {windowH, windowW, padH, padW, strideH, strideW};
    }

    /** The output height cuDNN computes: {@code (H + 2*padH - windowH) / strideH + 1}. */
    public int cudnnOutHeight() {
        return (h + 2 * padH - windowH) / strideH + 1;
    }

    /** The output width cuDNN computes. */
    public int cudnnOutWidth() {
        return (w + 2 * padW - windowW) / strideW + 1;
    }
}
