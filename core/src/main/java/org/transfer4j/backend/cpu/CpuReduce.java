package org.transfer4j.backend.cpu;

import org.transfer4j.backend.ReduceLayout;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Sum / max / min over axes of a contiguous tensor. After merging neighbouring axes of the same kind
 * ({@link ReduceLayout}) the layout is one of: reduce the inner axis (rows, e.g. softmax over classes),
 * reduce a middle or outer axis (columns, e.g. a bias gradient over N·H·W, or global pooling over H·W,
 * in NHWC), or a general mix. Sums accumulate in double.
 */
final class CpuReduce {
    private CpuReduce() {
    }

    static Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        CpuBackend.requireContiguous("reduce", x);
        int[] shape = x.shape();
        Tensor y = CpuBackend.newTensor(Shape.reduced(shape, axes, true));
        float[] xs = CpuBackend.data(x);
        float[] ys = CpuBackend.data(y);
        int xo = x.offset();
        ReduceLayout layout = ReduceLayout.of(shape, axes);
        // Each merged size is at most x.numel(), so it fits an int.
        int outer = (int) layout.outer();
        int n = (int) layout.n();
        int cols = (int) layout.cols();
        switch (layout.kind()) {
            case COPY -> System.arraycopy(xs, xo, ys, 0, x.numel()); // nothing of size > 1 is reduced
            case ROWS -> reduceRows(op, xs, xo, ys, outer, n);
            case COLUMNS -> reduceColumns(op, xs, xo, ys, outer, n, cols);
            case GENERAL -> reduceGeneral(op, x, axes, y);
        }
        return y;
    }

    /** x (rows, n) -> y (rows): one reduction per row. */
    private static void reduceRows(ReduceOp op, float[] x, int xo, float[] y, int rows, int n) {
        // n is 0 when the reduced axes are empty (sum over a size-0 axis): each row is then the identity.
        CpuParallel.forRange(rows, Math.max(1, 8192 / Math.max(1, n)), (from, to) -> {
            for (int r = from; r < to; r++) {
                y[r] = (float) reduceRun(op, x, xo + r * n, n, 1);
            }
        });
    }

    /**
     * x (outer, n, cols) -> y (outer, cols): work is split into bands of columns (a band never
     * crosses from one outer index to the next), and each band walks all n rows.
     */
    private static void reduceColumns(ReduceOp op, float[] x, int xo, float[] y, int outer, int n, int cols) {
        CpuParallel.forRange(outer * cols, Math.max(64, 8192 / Math.max(1, n)), (from, to) -> {
            for (int start = from; start < to; ) {
                int o = start / cols;
                int c0 = start - o * cols;
                int c1 = Math.min(cols, c0 + (to - start));
                columnBand(op, x, xo + o * n * cols, y, o * cols, n, cols, c0, c1);
                start += c1 - c0;
            }
        });
    }

    /** Columns {@code [c0, c1)} of one (n, cols) block starting at {@code x[xBase]} into {@code y[yBase + c]}. */
    private static void columnBand(ReduceOp op, float[] x, int xBase, float[] y, int yBase, int n, int cols,
                                   int c0, int c1) {
        int w = c1 - c0;
        double[] acc = new double[w];
        java.util.Arrays.fill(acc, identity(op));
        for (int r = 0; r < n; r++) {
            int base = xBase + r * cols + c0;
            switch (op) {
                case SUM -> {
                    for (int c = 0; c < w; c++) {
                        acc[c] += x[base + c];
                    }
                }
                case MAX -> {
                    for (int c = 0; c < w; c++) {
                        acc[c] = Math.max(acc[c], x[base + c]);
                    }
                }
                case MIN -> {
                    for (int c = 0; c < w; c++) {
                        acc[c] = Math.min(acc[c], x[base + c]);
                    }
                }
            }
        }
        for (int c = 0; c < w; c++) {
            y[yBase + c0 + c] = (float) acc[c];
        }
    }

    /** Any pattern: walk x in order, adding each element into its output slot. */
    private static void reduceGeneral(ReduceOp op, Tensor x, int[] axes, Tensor y) {
        int[] shape = x.shape();
        int[] yStrides = Shape.contiguousStrides(y.shape());
        for (int a : axes) {
            yStrides[a] = 0;
        }
        float[] xs = CpuBackend.data(x);
        float[] ys = CpuBackend.data(y);
        double[] acc = new double[ys.length];
        java.util.Arrays.fill(acc, identity(op));
        int[] idx = new int[shape.length];
        int yi = 0;
        int n = x.numel();
        for (int i = 0; i < n; i++) {
            double v = xs[x.offset() + i];
            acc[yi] = switch (op) {
                case SUM -> acc[yi] + v;
                case MAX -> Math.max(acc[yi], v);
                case MIN -> Math.min(acc[yi], v);
            };
            for (int d = shape.length - 1; d >= 0; d--) { // odometer increment
                yi += yStrides[d];
                if (++idx[d] < shape[d]) {
                    break;
                }
                yi -= yStrides[d] * shape[d];
                idx[d] = 0;
            }
        }
        for (int i = 0; i < ys.length; i++) {
            ys[i] = (float) acc[i];
        }
    }

    static double reduceRun(ReduceOp op, float[] x, int from, int n, int stride) {
        double acc = identity(op);
        for (int i = 0; i < n; i++) {
            float v = x[from + i * stride];
            acc = switch (op) {
                case SUM -> acc + v;
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
            };
        }
        return acc;
    }

    private static double identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }
}
