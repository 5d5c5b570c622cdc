package org.transfer4j.backend.cpu;

import java.util.Arrays;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.tensor.Tensor;

/**
 * Max and average pooling in NHWC: {@code x (N,H,W,C) -> y (N,OH,OW,C)}, and their backward passes.
 *
 * <p>Window of output {@code (oh, ow)}: input rows {@code oh*strideH - padTop + [0, windowH)} and
 * columns {@code ow*strideW - padLeft + [0, windowW)}, clipped to the image. Padded cells never take
 * part (TensorFlow semantics): max ignores them, average divides by the number of real cells. A
 * window made only of padding (possible with large explicit padding) gives 0 and no gradient.
 *
 * <p>Channels are contiguous in NHWC, so every inner loop runs over channels and the JIT vectorises
 * it. The forward pass is parallel over output rows {@code (n, oh)}. The backward pass scatters into
 * dx and overlapping windows write the same cells, so it is parallel over disjoint pieces of dx
 * instead: one image and one band of channels per task.
 */
final class CpuPool2d {
    /** Channels per backward task: enough for a vectorised inner loop, small enough to split C=64 in two. */
    private static final int CHANNEL_BAND = 32;

    private CpuPool2d() {
    }

    /** Geometry of one call, with the rows/columns of the window clipped to the image. */
    private record Geometry(int n, int h, int w, int c, int oh, int ow, Pool2dSpec spec) {
        static Geometry of(Tensor x, Pool2dSpec spec) {
            int[] s = x.shape();
            if (s.length != 4) {
                throw new IllegalArgumentException("pool2d: x must be (N,H,W,C), got " + Arrays.toString(s));
            }
            return new Geometry(s[0], s[1], s[2], s[3], spec.outHeight(s[1]), spec.outWidth(s[2]), spec);
        }

        int rowStart(int o) {
            return Math.max(o * spec.strideH() - spec.padTop(), 0);
        }

        int rowEnd(int o) {
            return Math.min(o * spec.strideH() - spec.padTop() + spec.windowH(), h);
        }

        int colStart(int o) {
            return Math.max(o * spec.strideW() - spec.padLeft(), 0);
        }

        int colEnd(int o) {
            return Math.min(o * spec.strideW() - spec.padLeft() + spec.windowW(), w);
        }
    }

    static Tensor forward(Tensor x, Pool2dSpec spec) {
        CpuBackend.requireContiguous("pool2d", x);
        Geometry g = Geometry.of(x, spec);
        Tensor y = CpuBackend.newTensor(g.n, g.oh, g.ow, g.c);
        float[] xs = CpuBackend.data(x);
        float[] ys = CpuBackend.data(y);
        int xo = x.offset();
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        int grain = Math.max(1, 4096 / Math.max(1, g.ow * g.c));
        CpuParallel.forRange(g.n * g.oh, grain, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.oh;
                int oh = row % g.oh;
                for (int ow = 0; ow < g.ow; ow++) {
                    int yi = ((n * g.oh + oh) * g.ow + ow) * g.c;
                    if (max) {
                        maxWindow(g, xs, xo + n * g.h * g.w * g.c, ys, yi, oh, ow);
                    } else {
                        avgWindow(g, xs, xo + n * g.h * g.w * g.c, ys, yi, oh, ow);
                    }
                }
            }
        });
        return y;
    }

    /** {@code y[yi..yi+C) = max over the window}; {@code image} is where image n starts in x. */
    private static void maxWindow(Geometry g, float[] x, int image, float[] y, int yi, int oh, int ow) {
        int h0 = g.rowStart(oh);
        int h1 = g.rowEnd(oh);
        int w0 = g.colStart(ow);
        int w1 = g.colEnd(ow);
        int c = g.c;
        if (h0 >= h1 || w0 >= w1) {
            return; // only padding: y stays 0
        }
        Arrays.fill(y, yi, yi + c, Float.NEGATIVE_INFINITY);
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int xi = image + (ih * g.w + iw) * c;
                for (int k = 0; k < c; k++) {
                    y[yi + k] = Math.max(y[yi + k], x[xi + k]);
                }
            }
        }
    }

    /** {@code y[yi..yi+C) = mean over the real cells of the window}. */
    private static void avgWindow(Geometry g, float[] x, int image, float[] y, int yi, int oh, int ow) {
        int h0 = g.rowStart(oh);
        int h1 = g.rowEnd(oh);
        int w0 = g.colStart(ow);
        int w1 = g.colEnd(ow);
        int c = g.c;
        int cells = (h1 - h0) * (w1 - w0);
        if (cells <= 0) {
            return;
        }
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int xi = image + (ih * g.w + iw) * c;
                for (int k = 0; k < c; k++) {
                    y[yi + k] += x[xi + k];
                }
            }
        }
        float inv = 1f / cells;
        for (int k = 0; k < c; k++) {
            y[yi + k] *= inv;
        }
    }

    static Tensor backward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        CpuBackend.requireContiguous("pool2dBackward", x, y, gradY);
        Geometry g = Geometry.of(x, spec);
        int[] outShape = {g.n, g.oh, g.ow, g.c};
        if (!Arrays.equals(y.shape(), outShape) || !Arrays.equals(gradY.shape(), outShape)) {
            throw new IllegalArgumentException("pool2dBackward: y and dy must be " + Arrays.toString(outShape)
                    + ", got " + Arrays.toString(y.shape()) + " and " + Arrays.toString(gradY.shape()));
        }
        Tensor dx = CpuBackend.newTensor(x.shape());
        float[] xs = CpuBackend.data(x);
        float[] ys = CpuBackend.data(y);
        float[] gs = CpuBackend.data(gradY);
        float[] ds = CpuBackend.data(dx);
        int bands = (g.c + CHANNEL_BAND - 1) / CHANNEL_BAND;
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        CpuParallel.forRange(g.n * bands, 1, (from, to) -> {
            boolean[] done = new boolean[CHANNEL_BAND];
            for (int task = from; task < to; task++) {
                int n = task / bands;
                int c0 = (task % bands) * CHANNEL_BAND;
                int c1 = Math.min(c0 + CHANNEL_BAND, g.c);
                for (int oh = 0; oh < g.oh; oh++) {
                    for (int ow = 0; ow < g.ow; ow++) {
                        int out = ((n * g.oh + oh) * g.ow + ow) * g.c;
                        int image = n * g.h * g.w * g.c;
                        if (max) {
                            routeToFirstMax(g, xs, x.offset() + image, ys, y.offset() + out, gs, gradY.offset() + out,
                                    ds, image, oh, ow, c0, c1, done);
                        } else {
                            spreadEvenly(g, gs, gradY.offset() + out, ds, image, oh, ow, c0, c1);
                        }
                    }
                }
            }
        });
        return dx;
    }

    /**
     * Adds {@code dy[c]} to the first cell (row-major window order) whose x equals the forward maximum
     * {@code y[c]}, for channels {@code [c0, c1)}; {@code done[k]} marks channels already routed.
     */
    private static void routeToFirstMax(Geometry g, float[] x, int xImage, float[] y, int yi, float[] dy, int gi,
                                        float[] dx, int dxImage, int oh, int ow, int c0, int c1, boolean[] done) {
        int width = c1 - c0;
        Arrays.fill(done, 0, width, false);
        int left = width;
        for (int ih = g.rowStart(oh); ih < g.rowEnd(oh) && left > 0; ih++) {
            for (int iw = g.colStart(ow); iw < g.colEnd(ow) && left > 0; iw++) {
                int cell = (ih * g.w + iw) * g.c + c0;
                for (int k = 0; k < width; k++) {
                    if (!done[k] && x[xImage + cell + k] == y[yi + c0 + k]) {
                        dx[dxImage + cell + k] += dy[gi + c0 + k];
                        done[k] = true;
                        left--;
                    }
                }
            }
        }
    }

    /** Adds {@code dy[c] / cells} to every real cell of the window, for channels {@code [c0, c1)}. */
    private static void spreadEvenly(Geometry g, float[] dy, int gi, float[] dx, int dxImage, int oh, int ow,
                                     int c0, int c1) {
        int h0 = g.rowStart(oh);
        int h1 = g.rowEnd(oh);
        int w0 = g.colStart(ow);
        int w1 = g.colEnd(ow);
        int cells = (h1 - h0) * (w1 - w0);
        if (cells <= 0) {
            return;
        }
        float inv = 1f / cells;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int cell = dxImage + (ih * g.w + iw) * g.c;
                for (int k = c0; k < c1; k++) {
                    dx[cell + k] += dy[gi + k] * inv;
                }
            }
        }
    }
}
