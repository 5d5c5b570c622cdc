package org.transfer4j.cuda.dnn;

import java.util.Arrays;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.tensor.ShapeMismatchException;

/**
 * The cuDNN descriptor arguments of one 2-D convolution on NHWC tensors, derived from core's
 * {@link Conv2dSpec}: {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC) -> y (N,OH,OW,OC)}. A plan is
 * also the shape key under which {@link AlgoCache} keeps the chosen algorithms (records compare by value).
 *
 * <p><b>Padding.</b> cuDNN's legacy convolution descriptor pads symmetrically ({@code pad_h} on top
 * and bottom). Keras/TensorFlow {@code padding="same"} puts the odd row or column at the bottom/right
 * (stride 2 on an even input, e.g. 224 -> 112 with a 3x3 kernel pads 0 on top and 1 at the bottom).
 * The plan splits such padding into a symmetric part ({@link #padH()}, {@link #padW()}: the smaller
 * side) that cuDNN applies, and an extra zero pre-pad of the input ({@link #extraTop()} ...
 * {@link #extraRight()}) that the caller applies first (a pad copy), exactly as TensorFlow's cuDNN
 * path does for asymmetric padding. cuDNN then sees an input of {@link #inHeight()} x
 * {@link #inWidth()}. Backward-data computes the gradient of that padded input, from which the caller
 * crops the original {@code H x W}; backward-filter reads the padded input.
 *
 * <p><b>Filters.</b> cuDNN takes NHWC filters as {@code KRSC = (OC, KH, KW, C/groups)}
 * ({@code cudnnSetFilter4dDescriptor(..., CUDNN_TENSOR_NHWC, k=OC, c=C/groups, h=KH, w=KW)}); no
 * cuDNN format matches Keras' {@code HWIO (KH,KW,C/groups,OC)}, so kernels are transposed with
 * {@link FilterLayout} (once, when weights move to the GPU, and the filter gradient back).
 * Depthwise is {@code groups = C}: filter {@code (C*multiplier, KH, KW, 1)}.
 *
 * @param n         batch
 * @param h         input height as given (before the extra pre-pad)
 * @param w         input width as given
 * @param c         input channels
 * @param k         output channels (OC)
 * @param kh        kernel height
 * @param kw        kernel width
 * @param groups    channel groups ({@code cudnnSetConvolutionGroupCount})
 * @param padH      symmetric padding cuDNN applies on top and bottom
 * @param padW      symmetric padding cuDNN applies left and right
 * @param extraTop  zero rows the caller pads on top before cuDNN
 * @param extraBottom zero rows the caller pads at the bottom
 * @param extraLeft zero columns the caller pads on the left
 * @param extraRight zero columns the caller pads on the right
 * @param strideH   vertical stride ({@code u})
 * @param strideW   horizontal stride ({@code v})
 * @param dilationH vertical dilation
 * @param dilationW horizontal dilation
 * @param outH      output height, equal to {@link Conv2dSpec#outHeight}
 * @param outW      output width, equal to {@link Conv2dSpec#outWidth}
 */
public record ConvPlan(int n, int h, int w, int c, int k, int kh, int kw, int groups,
                       int padH, int padW, int extraTop, int extraBottom, int extraLeft, int extraRight,
                       int strideH, int strideW, int dilationH, int dilationW, int outH, int outW) {

    /**
     * The plan of {@code x (N,H,W,C)} convolved with a Keras kernel {@code (KH,KW,C/groups,OC)} under {@code spec}.
     *
     * @throws ShapeMismatchException when the shapes do not fit each other or the spec's groups, or the
     *                                output would be empty
     */
    public static ConvPlan of(int[] xShape, int[] kernelShape, Conv2dSpec spec) {
        if (xShape.length != 4 || kernelShape.length != 4) {
            throw ShapeMismatchException.of("conv2d (cuDNN)", "x must be (N,H,W,C) and kernel (KH,KW,C/groups,OC)", xShape, kernelShape);
        }
        int n = xShape[0], h = xShape[1], w = xShape[2], c = xShape[3];
        int kh = kernelShape[0], kw = kernelShape[1], cg = kernelShape[2], oc = kernelShape[3];
        int g = spec.groups();
        if (c % g != 0 || oc % g != 0 || cg != c / g) {
            throw ShapeMismatchException.of("conv2d (cuDNN)", "with groups=" + g + " the kernel's input channels must be C/groups="
                    + (c % g == 0 ? String.valueOf(c / g) : "non-integer") + " and OC a multiple of groups", xShape, kernelShape);
        }
        int outH = spec.outHeight(h, kh);
        int outW = spec.outWidth(w, kw);
        if (outH < 1 || outW < 1) {
            throw ShapeMismatchException.of("conv2d (cuDNN)", "output would be " + outH + "x" + outW + " with " + spec, xShape, kernelShape);
        }
        int padH = Math.min(spec.padTop(), spec.padBottom());
        int padW = Math.min(spec.padLeft(), spec.padRight());
        return new ConvPlan(n, h, w, c, oc, kh, kw, g, padH, padW,
                spec.padTop() - padH, spec.padBottom() - padH, spec.padLeft() - padW, spec.padRight() - padW,
                spec.strideH(), spec.strideW(), spec.dilationH(), spec.dilationW(), outH, outW);
    }

    /** Whether the caller must zero-pad the input before cuDNN (asymmetric padding). */
    public boolean needsPrePad() {
        return extraTop > 0 || extraBottom > 0 || extraLeft > 0 || extraRight > 0;
    }

    /** The input height cuDNN sees: {@code H + extraTop + extraBottom}. */
    public int inHeight() {
        return h + extraTop + extraBottom;
    }

    /** The input width cuDNN sees: {@code W + extraLeft + extraRight}. */
    public int inWidth() {
        return w + extraLeft + extraRight;
    }

    /** The output height cuDNN computes for its input and symmetric padding (equals {@link #outH()}). */
    public int cudnnOutHeight() {
        return (inHeight() + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    /** The output width cuDNN computes for its input and symmetric padding (equals {@link #outW()}). */
    public int cudnnOutWidth() {
        return (inWidth() + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }

    /** {@code cudnnSetTensor4dDescriptor(NHWC, FLOAT, n, c, h, w)} arguments of the input cuDNN sees: {@code {n, c, h, w}}. */
    public int[] xDescriptor() {
        return new int[] {n, c, inHeight(), inWidth()};
    }

    /** The output's {@code {n, c, h, w}}. */
    public int[] yDescriptor() {
        return new int[] {n, k, outH, outW};
    }

    /** {@code cudnnSetFilter4dDescriptor(FLOAT, NHWC, k, c, h, w)} arguments: {@code {OC, C/groups, KH, KW}}. */
    public int[] filterDescriptor() {
        return new int[] {k, c / groups, kh, kw};
    }

    /** {@code cudnnSetConvolution2dDescriptor} arguments: {@code {pad_h, pad_w, u, v, dilation_h, dilation_w}}. */
    public int[] convolutionDescriptor() {
        return new int[] {padH, padW, strideH, strideW, dilationH, dilationW};
    }

    /** The NHWC shape of the input cuDNN sees, {@code (N, inHeight, inWidth, C)}. */
    public int[] paddedInputShape() {
        return new int[] {n, inHeight(), inWidth(), c};
    }

    /** The NHWC output shape {@code (N,OH,OW,OC)}. */
    public int[] outputShape() {
        return new int[] {n, outH, outW, k};
    }

    @Override
    public String toString() {
        return "conv x" + Arrays.toString(new int[] {n, h, w, c}) + " k" + Arrays.toString(new int[] {kh, kw, c / groups, k})
                + " groups=" + groups + " pad=" + padH + "," + padW + (needsPrePad() ? " prepad=" + extraTop + "," + extraBottom
                + "," + extraLeft + "," + extraRight : "") + " stride=" + strideH + "," + strideW + " dilation=" + dilationH
                + "," + dilationW + " -> y" + Arrays.toString(outputShape());
    }
}
