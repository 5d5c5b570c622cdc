package org.transfer4j.backend.cpu;

import java.util.Arrays;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * 2-D convolution in NHWC with HWIO kernels: {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC) -> y (N,OH,OW,OC)}
 * (legend and im2col layout in {@link CpuConv2dGeometry}). Three paths, chosen by shape:
 * <ul>
 *   <li>pointwise (1x1, stride 1, no padding, one group): x viewed as {@code (N*H*W, C)} is multiplied by
 *       the kernel viewed as {@code (C, OC)}, no copy at all;</li>
 *   <li>depthwise (one input channel per group): a direct loop, {@link CpuDepthwiseConv2d};</li>
 *   <li>everything else: im2col of a tile of output pixels into a per-thread buffer, then one GEMM
 *       per group, {@code y_tile (T, OCg) = col (T, kdim) * kernel_g (kdim, OCg)}. The full-batch
 *       column matrix is never built.</li>
 * </ul>
 * Backward data with stride 1 is itself a forward convolution of dy ({@link CpuConv2dTransposed});
 * with larger strides it is the transposed product {@code dcol = dy * kernel^T} followed by col2im
 * (adding overlapping windows). Backward filter is {@code dkernel = sum over tiles of col^T * dy}, with one
 * partial kernel per thread, summed in a fixed order at the end (race-free and deterministic).
 */
final class CpuConv2d {
    private CpuConv2d() {
    }

    static Tensor forward(Tensor x, Tensor kernel, Conv2dSpec spec) {
        CpuBackend.requireContiguous("conv2d", x, kernel);
        CpuConv2dGeometry g = CpuConv2dGeometry.of("conv2d", x.shape(), kernel.shape(), spec);
        Tensor y = CpuBackend.newTensor(g.yShape());
        float[] xd = CpuBackend.data(x);
        float[] kd = CpuBackend.data(kernel);
        float[] yd = CpuBackend.data(y);
        if (g.isDepthwise()) {
            CpuDepthwiseConv2d.forward(g, xd, x.offset(), kd, kernel.offset(), yd);
        } else if (g.isPointwise()) {
            CpuGemm.sgemm(false, false, g.pixels(), g.oc(), g.c(), 1f, xd, x.offset(), g.c(),
                    kd, kernel.offset(), g.oc(), 0f, yd, 0, g.oc());
        } else {
            forwardIm2col(g, xd, x.offset(), kd, kernel.offset(), yd);
        }
        return y;
    }

    static Tensor backwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        CpuBackend.requireContiguous("conv2dBackwardData", gradY, kernel);
        CpuConv2dGeometry g = CpuConv2dGeometry.of("conv2dBackwardData", xShape, kernel.shape(), spec);
        requireShape("conv2dBackwardData", gradY, g.yShape());
        Tensor dx = CpuBackend.newTensor(g.xShape());
        float[] dyd = CpuBackend.data(gradY);
        float[] kd = CpuBackend.data(kernel);
        float[] dxd = CpuBackend.data(dx);
        if (g.isDepthwise()) {
            CpuDepthwiseConv2d.backwardData(g, dyd, gradY.offset(), kd, kernel.offset(), dxd);
        } else if (g.isPointwise()) {
            // dx (NHW, C) = dy (NHW, OC) * kernel(C, OC)^T
            CpuGemm.sgemm(false, true, g.pixels(), g.c(), g.oc(), 1f, dyd, gradY.offset(), g.oc(),
                    kd, kernel.offset(), g.oc(), 0f, dxd, 0, g.c());
        } else if (CpuConv2dTransposed.applies(g)) {
            CpuConv2dTransposed.backwardData(g, dyd, gradY.offset(), kd, kernel.offset(), dxd);
        } else {
            backwardDataIm2col(g, dyd, gradY.offset(), kd, kernel.offset(), dxd);
        }
        return dx;
    }

    static Tensor backwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        CpuBackend.requireContiguous("conv2dBackwardFilter", x, gradY);
        CpuConv2dGeometry g = CpuConv2dGeometry.of("conv2dBackwardFilter", x.shape(), kernelShape, spec);
        requireShape("conv2dBackwardFilter", gradY, g.yShape());
        Tensor dk = CpuBackend.newTensor(g.kernelShape());
        float[] xd = CpuBackend.data(x);
        float[] dyd = CpuBackend.data(gradY);
        float[] dkd = CpuBackend.data(dk);
        if (g.isDepthwise()) {
            CpuDepthwiseConv2d.backwardFilter(g, xd, x.offset(), dyd, gradY.offset(), dkd);
        } else {
            backwardFilterIm2col(g, xd, x.offset(), dyd, gradY.offset(), dkd);
        }
        return dk;
    }

    // ---- im2col + GEMM paths ------------------------------------------------------------------------

    /** Tiles of output pixels over the whole batch, in parallel; each tile writes its own rows of y. */
    static void forwardIm2col(CpuConv2dGeometry g, float[] x, int xo, float[] k, int ko, float[] y) {
        int tile = g.tilePixels(CpuParallel.threads());
        int tiles = Math.ceilDiv(g.pixels(), tile);
        CpuParallel.forRange(tiles, 1, (from, to) -> {
            float[] col = new float[tile * g.kdim()];
            for (int t = from; t < to; t++) {
                int p0 = t * tile;
                int p1 = Math.min(p0 + tile, g.pixels());
                for (int group = 0; group < g.groups(); group++) {
                    CpuIm2col.im2col(g, x, xo, group, p0, p1, col);
                    // y[p0:p1, group cols] = col (T, kdim) * kernel[:, group cols] (kdim, OCg)
                    CpuGemm.sgemm(false, false, p1 - p0, g.ocg(), g.kdim(), 1f, col, 0, g.kdim(),
                            k, ko + group * g.ocg(), g.oc(), 0f, y, p0 * g.oc() + group * g.ocg(), g.oc());
                }
            }
        });
    }

    /**
     * Images in parallel (col2im of two tiles of the same image would race on overlapping windows);
     * within an image, tiles of output pixels one after the other.
     */
    private static void backwardDataIm2col(CpuConv2dGeometry g, float[] dy, int dyo, float[] k, int ko, float[] dx) {
        int perImage = g.oh() * g.ow();
        int tile = Math.min(perImage, g.tilePixels(1));
        CpuParallel.forRange(g.n(), 1, (from, to) -> {
            float[] col = new float[tile * g.kdim()];
            for (int img = from; img < to; img++) {
                for (int p0 = img * perImage; p0 < (img + 1) * perImage; p0 += tile) {
                    int p1 = Math.min(p0 + tile, (img + 1) * perImage);
                    for (int group = 0; group < g.groups(); group++) {
                        // dcol (T, kdim) = dy[p0:p1, group cols] (T, OCg) * kernel[:, group cols]^T (OCg, kdim)
                        CpuGemm.sgemm(false, true, p1 - p0, g.kdim(), g.ocg(), 1f, dy, dyo + p0 * g.oc() + group * g.ocg(),
                                g.oc(), k, ko + group * g.ocg(), g.oc(), 0f, col, 0, g.kdim());
                        CpuIm2col.col2im(g, col, group, p0, p1, dx, 0);
                    }
                }
            }
        });
    }

    /**
     * The tiles are split into one contiguous block per thread; each block sums {@code col^T * dy} over
     * its tiles into a private partial kernel, and the partials are added in block order at the end.
     */
    private static void backwardFilterIm2col(CpuConv2dGeometry g, float[] x, int xo, float[] dy, int dyo, float[] dk) {
        boolean pointwise = g.isPointwise();
        // Pointwise needs no column buffer, so each thread takes its pixels in one long GEMM.
        int tile = pointwise ? Math.ceilDiv(g.pixels(), CpuParallel.threads()) : g.tilePixels(CpuParallel.threads());
        int tiles = Math.ceilDiv(g.pixels(), tile);
        int blocks = Math.min(tiles, CpuParallel.threads());
        float[][] partials = new float[blocks][];
        CpuParallel.forRange(blocks, 1, (from, to) -> {
            float[] col = pointwise ? null : new float[tile * g.kdim()];
            for (int b = from; b < to; b++) {
                float[] partial = new float[dk.length];
                int end = CpuConv2dGeometry.partStart(tiles, blocks, b + 1);
                for (int t = CpuConv2dGeometry.partStart(tiles, blocks, b); t < end; t++) {
                    int p0 = t * tile;
                    int p1 = Math.min(p0 + tile, g.pixels());
                    for (int group = 0; group < g.groups(); group++) {
                        // The pointwise column matrix is x itself, seen as (N*H*W, C).
                        float[] a = pointwise ? x : col;
                        int ao = pointwise ? xo + p0 * g.c() : 0;
                        if (!pointwise) {
                            CpuIm2col.im2col(g, x, xo, group, p0, p1, col);
                        }
                        // partial[:, group cols] (kdim, OCg) += col^T (kdim, T) * dy[p0:p1, group cols] (T, OCg)
                        CpuGemm.sgemm(true, false, g.kdim(), g.ocg(), p1 - p0, 1f, a, ao, g.kdim(),
                                dy, dyo + p0 * g.oc() + group * g.ocg(), g.oc(), 1f, partial, group * g.ocg(), g.oc());
                    }
                }
                partials[b] = partial;
            }
        });
        addPartials(partials, dk);
    }

    /** {@code into += every partial}, in array order (a fixed order, so results do not depend on scheduling). */
    static void addPartials(float[][] partials, float[] into) {
        for (float[] partial : partials) {
            for (int i = 0; i < into.length; i++) {
                into[i] += partial[i];
            }
        }
    }

    private static void requireShape(String op, Tensor t, int[] expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw ShapeMismatchException.of(op, "gradient of y must have the output's shape", expected, t.shape());
        }
    }
}
