package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.tensor.ShapeMismatchException;

/**
 * The sizes of one convolution, derived once from the shapes and the spec, with the checks that keep
 * the CPU loops inside their arrays. Legend (NHWC, Keras HWIO kernel):
 * {@code x (n,h,w,c), kernel (kh,kw,cg,oc) -> y (n,oh,ow,oc)}, {@code cg = c/groups} input channels
 * and {@code ocg = oc/groups} output channels per group; output channel {@code o} reads input
 * channels {@code [(o/ocg)*cg, (o/ocg+1)*cg)}.
 *
 * <p>In the im2col view a convolution is a GEMM per group: the "column" matrix has one row per output
 * pixel and {@code kdim = kh*kw*cg} columns ordered (kh, kw, ci), which is exactly the row order of
 * the kernel seen as a {@code (kdim, oc)} matrix, so the kernel is used in place.
 */
record CpuConv2dGeometry(int n, int h, int w, int c, int kh, int kw, int oc, int oh, int ow, Conv2dSpec spec) {

    /** Checks {@code x (n,h,w,c)} against {@code kernel (kh,kw,c/groups,oc)} and derives the output size. */
    static CpuConv2dGeometry of(String op, int[] xShape, int[] kernelShape, Conv2dSpec spec) {
        if (xShape.length != 4 || kernelShape.length != 4) {
            throw ShapeMismatchException.of(op, "x must be (N,H,W,C) and kernel (KH,KW,C/groups,OC)", xShape, kernelShape);
        }
        int groups = spec.groups();
        int c = xShape[3];
        int oc = kernelShape[3];
        if (c % groups != 0 || oc % groups != 0 || kernelShape[2] != c / groups) {
            throw ShapeMismatchException.of(op, "channels do not fit groups=" + groups, xShape, kernelShape);
        }
        int oh = spec.outHeight(xShape[1], kernelShape[0]);
        int ow = spec.outWidth(xShape[2], kernelShape[1]);
        if (oh < 1 || ow < 1) {
            throw ShapeMismatchException.of(op, "output would be " + oh + "x" + ow, xShape, kernelShape);
        }
        return new CpuConv2dGeometry(xShape[0], xShape[1], xShape[2], c, kernelShape[0], kernelShape[1], oc, oh, ow,
                spec);
    }

    int groups() {
        return spec.groups();
    }

    int cg() {
        return c / spec.groups();
    }

    int ocg() {
        return oc / spec.groups();
    }

    /** Columns of the im2col matrix = rows of the kernel matrix of one group. */
    int kdim() {
        return kh * kw * cg();
    }

    /** Output pixels over the whole batch = rows of the im2col matrix. */
    int pixels() {
        return n * oh * ow;
    }

    int[] xShape() {
        return new int[] {n, h, w, c};
    }

    int[] yShape() {
        return new int[] {n, oh, ow, oc};
    }

    int[] kernelShape() {
        return new int[] {kh, kw, cg(), oc};
    }

    /** Depthwise: one input channel per group (possibly several output channels, the depth multiplier). */
    boolean isDepthwise() {
        return groups() > 1 && cg() == 1;
    }

    /** A 1x1, stride-1, unpadded, ungrouped convolution: x seen as (n*h*w, c) is already the im2col matrix. */
    boolean isPointwise() {
        return kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && groups() == 1
                && spec.padTop() == 0 && spec.padBottom() == 0 && spec.padLeft() == 0 && spec.padRight() == 0;
    }

    /** Input row read by output row {@code oy} at kernel row {@code ky}; may be outside {@code [0, h)} (padding). */
    int inRow(int oy, int ky) {
        return oy * spec.strideH() - spec.padTop() + ky * spec.dilationH();
    }

    /** Input column read by output column {@code ox} at kernel column {@code kx}; may be outside {@code [0, w)}. */
    int inCol(int ox, int kx) {
        return ox * spec.strideW() - spec.padLeft() + kx * spec.dilationW();
    }

    /**
     * Output pixels per im2col tile: the tile's column buffer stays around 512 KB (well inside L2), and
     * there are at least as many tiles as threads when the batch is large enough.
     */
    int tilePixels(int threads) {
        int byCache = Math.max(16, (128 * 1024) / Math.max(1, kdim()));
        int byThreads = Math.max(1, (pixels() + threads - 1) / threads);
        return Math.min(byCache, byThreads);
    }

    /** The first index of part {@code part} when {@code total} indices are cut into {@code parts} contiguous, near-equal parts. */
    static int partStart(int total, int parts, int part) {
        return (int) ((long) total * part / parts);
    }
}
