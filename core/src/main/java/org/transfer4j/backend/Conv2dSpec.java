package org.transfer4j.backend;

/**
 * A resolved 2-D convolution: explicit paddings on each side, strides, dilations and groups.
 * Shapes (NHWC, Keras layout): {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC) -> y (N,OH,OW,OC)},
 * {@code OH = (H + padTop + padBottom - dilationH*(KH-1) - 1) / strideH + 1}. Depthwise is
 * {@code groups == C} with {@code OC = C * depthMultiplier}.
 */
public record Conv2dSpec(int strideH, int strideW,
                         int padTop, int padBottom, int padLeft, int padRight,
                         int dilationH, int dilationW, int groups) {

    public Conv2dSpec {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1
                || padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("invalid conv2d spec " + this);
        }
    }

    /** Resolves {@code padding} for an input of {@code height x width} and a {@code kh x kw} kernel. */
    public static Conv2dSpec of(Padding padding, int height, int width, int kh, int kw,
                                int strideH, int strideW, int dilationH, int dilationW, int groups) {
        int[] r = padding.rows(height, kh, strideH, dilationH);
        int[] c = padding.cols(width, kw, strideW, dilationW);
        return new Conv2dSpec(strideH, strideW, r[0], r[1], c[0], c[1], dilationH, dilationW, groups);
    }

    public int outHeight(int h, int kh) {
        return Math.floorDiv(h + padTop + padBottom - dilationH * (kh - 1) - 1, strideH) + 1;
    }

    public int outWidth(int w, int kw) {
        return Math.floorDiv(w + padLeft + padRight - dilationW * (kw - 1) - 1, strideW) + 1;
    }
}
