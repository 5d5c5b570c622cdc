package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ElementwiseChecks;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Elementwise primitives over any strides: copy, fill, unary functions and their derivatives, binary
 * functions with broadcasting. Work is split by rows of the coalesced layout ({@link Strided});
 * each inner loop is a plain loop per op that the JIT vectorises when strides are 1.
 */
final class CpuElementwise {
    /** Elements per parallel task: below this, threading costs more than it saves. */
    private static final int GRAIN = 1 << 15;

    private CpuElementwise() {
    }

    static void copy(Tensor src, Tensor dst) {
        float[] s = CpuBackend.data(src);
        float[] d = CpuBackend.data(dst);
        Strided it = Strided.of(src.shape(), src, dst);
        int n = it.rowLength;
        int ss = it.rowStride(0);
        int ds = it.rowStride(1);
        forRows(it, (from, to) -> {
            for (int r = from; r < to; r++) {
                int si = it.offset(0, r);
                int di = it.offset(1, r);
                if (ss == 1 && ds == 1) {
                    System.arraycopy(s, si, d, di, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        d[di + i * ds] = s[si + i * ss];
                    }
                }
            }
        });
    }

    static void fill(Tensor dst, float value) {
        float[] d = CpuBackend.data(dst);
        Strided it = Strided.of(dst.shape(), dst);
        int n = it.rowLength;
        int ds = it.rowStride(0);
        forRows(it, (from, to) -> {
            for (int r = from; r < to; r++) {
                int di = it.offset(0, r);
                for (int i = 0; i < n; i++) {
                    d[di + i * ds] = value;
                }
            }
        });
    }

    static void download(Tensor src, float[] dst, int dstOffset) {
        float[] s = CpuBackend.data(src);
        if (src.isContiguous()) {
            System.arraycopy(s, src.offset(), dst, dstOffset, src.numel());
            return;
        }
        Tensor target = Tensor.over(new CpuStorage(dst), dst.length).view(src.shape(),
                Shape.contiguousStrides(src.shape()), dstOffset);
        copy(src, target);
    }

    /** The NaN and infinite elements of {@code t} (any strides), row by row on the calling thread. */
    static long nonFiniteCount(Tensor t) {
        float[] d = CpuBackend.data(t);
        if (t.numel() == 0) {
            return 0;
        }
        Strided it = Strided.of(t.shape(), t);
        int n = it.rowLength;
        int ds = it.rowStride(0);
        long count = 0;
        for (int r = 0; r < it.rows; r++) {
            int di = it.offset(0, r);
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(d[di + i * ds])) {
                    count++;
                }
            }
        }
        return count;
    }

    /** {@link org.transfer4j.backend.Backend#scaleShiftActivation}: rows of C channels, in parallel over rows. */
    static void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high) {
        int c = BatchNormChecks.scaleShiftActivation(y, scale, shift, residual);
        float[] ys = CpuBackend.data(y);
        float[] ss = scale == null ? null : CpuBackend.data(scale);
        float[] ts = CpuBackend.data(shift);
        float[] rs = residual == null ? null : CpuBackend.data(residual);
        int yo = y.offset();
        int so = scale == null ? 0 : scale.offset();
        int to = shift.offset();
        int ro = residual == null ? 0 : residual.offset();
        CpuParallel.forRange(y.numel() / c, Math.max(1, 16384 / c), (first, end) -> {
            for (int r = first; r < end; r++) {
                int yi = yo + r * c;
                int ri = ro + r * c;
                for (int k = 0; k < c; k++) {
                    float v = ss == null ? ys[yi + k] : ys[yi + k] * ss[so + k];
                    v += ts[to + k]; // rounded apart from the product: Java never fuses them into an FMA
                    if (rs != null) {
                        v += rs[ri + k];
                    }
                    ys[yi + k] = Math.min(Math.max(v, low), high); // Math.max/min propagate NaN, as CLAMP does
                }
            }
        });
    }

    /** {@link Backend#addClamped}: contiguous a and b of one shape, in parallel chunks. */
    static Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        ElementwiseChecks.addClamped(a, b, low, high);
        float[] as = CpuBackend.data(a);
        float[] bs = CpuBackend.data(b);
        Tensor y = CpuBackend.newTensor(a.shape());
        float[] ys = CpuBackend.data(y);
        int ao = a.offset();
        int bo = b.offset();
        CpuParallel.forRange(a.numel(), GRAIN, (from, to) ->
                CpuBinaryKernels.addClamp(as, ao + from, bs, bo + from, ys, from, to - from, low, high));
        return y;
    }

    /** {@code into += g} in place, both contiguous ({@link org.transfer4j.backend.Backend#addInPlace}). */
    static void addInPlace(Tensor into, Tensor g) {
        ElementwiseChecks.sameShapeContiguous("addInPlace", into, g);
        float[] ys = CpuBackend.data(into);
        float[] gs = CpuBackend.data(g);
        int yo = into.offset();
        int go = g.offset();
        CpuParallel.forRange(into.numel(), GRAIN, (from, to) ->
                CpuBinaryKernels.apply(BinaryOp.ADD, ys, yo + from, 1, gs, go + from, 1, ys, yo + from, to - from));
    }

    static Tensor unary(UnaryOp op, Tensor x, float alpha, float beta) {
        float[] xs = CpuBackend.data(x);
        Tensor y = CpuBackend.newTensor(x.shape());
        float[] ys = CpuBackend.data(y);
        Strided it = Strided.of(x.shape(), x, y);
        int n = it.rowLength;
        int sx = it.rowStride(0);
        forRows(it, (from, to) -> {
            for (int r = from; r < to; r++) {
                CpuUnaryKernels.forward(op, alpha, beta, xs, it.offset(0, r), sx, ys, it.offset(1, r), n);
            }
        });
        return y;
    }

    static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta) {
        float[] xs = CpuBackend.data(x);
        float[] gs = CpuBackend.data(gradY);
        Tensor dx = CpuBackend.newTensor(x.shape());
        float[] ds = CpuBackend.data(dx);
        Strided it = Strided.of(x.shape(), x, gradY, dx);
        int n = it.rowLength;
        int sx = it.rowStride(0);
        int sg = it.rowStride(1);
        forRows(it, (from, to) -> {
            for (int r = from; r < to; r++) {
                CpuUnaryKernels.backward(op, alpha, beta, xs, it.offset(0, r), sx, gs, it.offset(1, r), sg, ds,
                        it.offset(2, r), n);
            }
        });
        return dx;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor ab = a.detach().broadcastTo(shape);
        Tensor bb = b.detach().broadcastTo(shape);
        float[] as = CpuBackend.data(a);
        float[] bs = CpuBackend.data(b);
        Tensor y = CpuBackend.newTensor(shape);
        float[] ys = CpuBackend.data(y);
        Strided it = Strided.of(shape, ab, bb, y);
        int n = it.rowLength;
        int sa = it.rowStride(0);
        int sb = it.rowStride(1);
        forRows(it, (from, to) -> {
            for (int r = from; r < to; r++) {
                CpuBinaryKernels.apply(op, as, it.offset(0, r), sa, bs, it.offset(1, r), sb, ys, it.offset(2, r), n);
            }
        });
        return y;
    }

    static void randomUniform(Tensor dst, long seed, long counter, float low, float high) {
        float[] d = CpuBackend.data(dst);
        int base = dst.offset();
        float range = high - low;
        CpuParallel.forRange(dst.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = low + range * org.transfer4j.tensor.Generator.uniform(seed, counter + i);
                // Rounding can land on high itself when |low| is large against the range
                // (uniform in [1e6, 1e6 + 1) has float steps of 1/16): keep the interval half-open.
                d[base + i] = v < high || !(high > low) ? v : Math.nextDown(high);
            }
        });
    }

    /** Backend.dropout: x contiguous; u_i as randomUniform draws it for [0, 1), where low + range * u is u itself. */
    static Backend.DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale) {
        float[] xs = CpuBackend.data(x);
        int base = x.offset();
        Tensor y = CpuBackend.newTensor(x.shape());
        Tensor mask = CpuBackend.newTensor(x.shape());
        float[] ys = CpuBackend.data(y);
        float[] ms = CpuBackend.data(mask);
        CpuParallel.forRange(x.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float m = org.transfer4j.tensor.Generator.uniform(seed, counter + i) >= rate ? scale : 0f;
                ms[i] = m;
                ys[i] = xs[base + i] * m; // one rounding, as the composite's multiply
            }
        });
        return new Backend.DropoutForward(y, mask);
    }

    static void randomNormal(Tensor dst, long seed, long counter, float mean, float std) {
        float[] d = CpuBackend.data(dst);
        int base = dst.offset();
        CpuParallel.forRange(dst.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[base + i] = mean + std * org.transfer4j.tensor.Generator.normal(seed, counter + 2L * i);
            }
        });
    }

    private static void forRows(Strided it, CpuParallel.Range rows) {
        int grainRows = Math.max(1, GRAIN / Math.max(1, it.rowLength));
        CpuParallel.forRange(it.rows, grainRows, rows);
    }
}
