package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * 2-D convolution, NHWC with a Keras HWIO kernel:
 * {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC) -> y (N,OH,OW,OC)}, where
 * {@code OH = (H + padTop + padBottom - dilationH*(KH-1) - 1) / strideH + 1} (likewise OW) and output
 * channel {@code o} sees the input channels of group {@code o / (OC/groups)}. {@code groups == C} is a
 * depthwise convolution. {@link Padding#SAME} follows Keras/TensorFlow (an odd total padding puts the
 * extra row/column at the bottom/right). There is no bias: add it afterwards.
 *
 * <p>Backward: {@code dx = conv2dBackwardData(dy, kernel)} (the transposed convolution) and
 * {@code dkernel = conv2dBackwardFilter(x, dy)} (the correlation of x with dy); each is computed only
 * when that input requires grad. Saved from forward: x, kernel and the resolved {@link Conv2dSpec}.
 */
public final class Conv2d {
    private static final String OP = "conv2d";

    private Conv2d() {
    }

    /** A convolution with one stride for both axes, no dilation and one group. */
    public static Tensor conv2d(Tensor x, Tensor kernel, Padding padding, int stride) {
        return conv2d(x, kernel, padding, stride, stride, 1, 1, 1);
    }

    /**
     * Keras {@code DepthwiseConv2D}: {@code x (N,H,W,C), depthwiseKernel (KH,KW,C,M) -> y (N,OH,OW,C*M)},
     * output channel {@code c*M + j} from input channel c. The kernel's memory is that of an HWIO kernel
     * {@code (KH,KW,1,C*M)} with {@code groups = C}, which is what runs.
     */
    public static Tensor depthwiseConv2d(Tensor x, Tensor depthwiseKernel, Padding padding, int stride) {
        if (x.rank() != 4 || depthwiseKernel.rank() != 4 || depthwiseKernel.shape(2) != x.shape(3)) {
            throw ShapeMismatchException.of("depthwiseConv2d",
                    "needs x (N,H,W,C) and depthwise kernel (KH,KW,C,depthMultiplier)", x.shape(), depthwiseKernel.shape());
        }
        int[] k = depthwiseKernel.shape();
        Tensor hwio = depthwiseKernel.reshape(k[0], k[1], 1, k[2] * k[3]);
        return conv2d(x, hwio, padding, stride, stride, 1, 1, x.shape(3));
    }

    /** The general convolution; see the class comment for shapes. */
    public static Tensor conv2d(Tensor x, Tensor kernel, Padding padding, int strideH, int strideW,
                                int dilationH, int dilationW, int groups) {
        OpChecks.sameDevice(OP, x, kernel);
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new IllegalArgumentException(OP + ": strides, dilations and groups must be at least 1, got strides "
                    + strideH + "x" + strideW + ", dilations " + dilationH + "x" + dilationW + ", groups " + groups);
        }
        int[] xs = x.shape();
        int[] ks = kernel.shape();
        checkChannels(xs, ks, groups);
        Conv2dSpec spec = Conv2dSpec.of(padding, xs[1], xs[2], ks[0], ks[1], strideH, strideW, dilationH, dilationW, groups);
        int oh = spec.outHeight(xs[1], ks[0]);
        int ow = spec.outWidth(xs[2], ks[1]);
        if (oh < 1 || ow < 1) {
            throw ShapeMismatchException.of(OP, "the dilated kernel does not fit the padded input (output would be "
                    + oh + "x" + ow + ")", xs, ks);
        }
        Tensor xc = x.contiguous();
        Tensor kc = kernel.contiguous();
        Tensor y = x.backend().conv2d(xc, kc, spec);
        return Autograd.record(OP, y, g -> new Tensor[] {
            xc.requiresGrad() ? x.backend().conv2dBackwardData(g, kc, spec, xs) : null,
            kc.requiresGrad() ? x.backend().conv2dBackwardFilter(xc, g, spec, ks) : null}, xc, kc);
    }

    /** Ranks and channel counts: {@code C % groups == 0}, kernel in-channels {@code == C/groups}, {@code OC % groups == 0}. */
    private static void checkChannels(int[] xs, int[] ks, int groups) {
        if (xs.length != 4 || ks.length != 4) {
            throw ShapeMismatchException.of(OP, "needs x of rank 4 (N,H,W,C) and kernel of rank 4 (KH,KW,C/groups,OC)",
                    xs, ks);
        }
        int c = xs[3];
        if (ks[0] < 1 || ks[1] < 1 || c < 1) {
            throw ShapeMismatchException.of(OP, "needs a kernel of at least 1x1 and at least one input channel", xs, ks);
        }
        if (c % groups != 0) {
            throw ShapeMismatchException.of(OP, "input channels " + c + " are not divisible by groups " + groups, xs, ks);
        }
        if (ks[2] != c / groups) {
            throw ShapeMismatchException.of(OP, "kernel in-channels " + ks[2] + " must equal C/groups = " + c + "/"
                    + groups + " = " + c / groups, xs, ks);
        }
        if (ks[3] % groups != 0) {
            throw ShapeMismatchException.of(OP, "output channels " + ks[3] + " are not divisible by groups " + groups,
                    xs, ks);
        }
    }
}
