package org.transfer4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (one input channel per group, {@code groups == C}) computed directly, without
 * GEMM: MobileNets are full of these, and as a GEMM each would be C tiny products of width
 * {@code depthMultiplier}. Kernel {@code (KH,KW,1,OC)} with {@code OC = C * mult}; output channel
 * {@code o} reads input channel {@code o / mult}:
 * {@code y[n,oy,ox,o] = sum_{ky,kx} x[n, oy*sh - padTop + ky*dh, ox*sw - padLeft + kx*dw, o/mult] * k[ky,kx,0,o]}.
 *
 * <p>With multiplier 1 (the MobileNet case) channel c of x, k and y line up, so the inner loops run over
 * channels in SIMD vectors of the Vector API's preferred width, with a scalar loop for the leftover
 * channels; other multipliers use the scalar loops throughout. The taps of a window that fall inside
 * the image form a contiguous range (see {@link #firstTap}), so no tap is tested one by one.
 * Forward and the stride-1 backward-data are the same row kernel ({@link CpuDepthwiseCorrelation});
 * strided backward-data is a gather over input pixels; backward-filter sums each tap along a row.
 * All are parallel over rows; backward-filter sums into one partial kernel per thread.
 */
final class CpuDepthwiseConv2d {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CpuDepthwiseConv2d() {
    }

    /** {@code y (N,OH,OW,OC)}, contiguous from index 0, every element written. */
    static void forward(CpuConv2dGeometry g, float[] x, int xo, float[] k, int ko, float[] y) {
        if (g.ocg() == 1) {
            CpuDepthwiseCorrelation.forward(g, ko).run(x, xo, k, y);
            return;
        }
        CpuParallel.forRange(g.n() * g.oh(), grain(g), (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    forwardWithMultiplier(g, x, xo, k, ko, y, row, ox);
                }
            }
        });
    }

    /** One output pixel ({@code row = img*OH + oy}) for a depth multiplier above 1, scalar. */
    private static void forwardWithMultiplier(CpuConv2dGeometry g, float[] x, int xo, float[] k, int ko, float[] y,
                                              int row, int ox) {
        int img = row / g.oh();
        int oy = row % g.oh();
        int mult = g.ocg();
        var s = g.spec();
        int kyHi = endTap(oy, s.strideH(), s.padTop(), s.dilationH(), g.kh(), g.h());
        int kxLo = firstTap(ox, s.strideW(), s.padLeft(), s.dilationW());
        int kxHi = endTap(ox, s.strideW(), s.padLeft(), s.dilationW(), g.kw(), g.w());
        int yAt = (row * g.ow() + ox) * g.oc();
        for (int o = 0; o < g.oc(); o++) {
            float sum = 0f;
            for (int ky = firstTap(oy, s.strideH(), s.padTop(), s.dilationH()); ky < kyHi; ky++) {
                int xRow = xo + (img * g.h() + g.inRow(oy, ky)) * g.w() * g.c() + o / mult;
                for (int kx = kxLo; kx < kxHi; kx++) {
                    sum += x[xRow + g.inCol(ox, kx) * g.c()] * k[ko + (ky * g.kw() + kx) * g.oc() + o];
                }
            }
            y[yAt + o] = sum;
        }
    }

    // ---- backward data ------------------------------------------------------------------------------

    /** {@code dx (N,H,W,C)}, contiguous from index 0, every element written. */
    static void backwardData(CpuConv2dGeometry g, float[] dy, int dyo, float[] k, int ko, float[] dx) {
        CpuDepthwiseCorrelation flipped = CpuDepthwiseCorrelation.backwardData(g, ko);
        if (flipped != null) {
            flipped.run(dy, dyo, k, dx);
            return;
        }
        CpuParallel.forRange(g.n() * g.h(), grain(g), (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int ix = 0; ix < g.w(); ix++) {
                    gatherInputPixel(g, dy, dyo, k, ko, dx, row, ix);
                }
            }
        });
    }

    /**
     * {@code dx[n,iy,ix,c] = sum over the (ky,kx,j) whose window covers (iy,ix) of dy[n,oy,ox,c*mult+j] * k[ky,kx,0,c*mult+j]}
     * for one input pixel ({@code row = img*H + iy}), any stride and multiplier. Each covering tap adds into
     * the pixel's channels of dx (zero-filled, and owned by this thread).
     */
    private static void gatherInputPixel(CpuConv2dGeometry g, float[] dy, int dyo, float[] k, int ko, float[] dx,
                                         int row, int ix) {
        int img = row / g.h();
        int iy = row % g.h();
        var s = g.spec();
        int dxAt = (row * g.w() + ix) * g.c();
        for (int ky = 0; ky < g.kh(); ky++) {
            int oy = outIndex(iy + s.padTop() - ky * s.dilationH(), s.strideH(), g.oh());
            for (int kx = 0; oy >= 0 && kx < g.kw(); kx++) {
                int ox = outIndex(ix + s.padLeft() - kx * s.dilationW(), s.strideW(), g.ow());
                if (ox >= 0) {
                    int dyAt = dyo + ((img * g.oh() + oy) * g.ow() + ox) * g.oc();
                    addTap(g, dy, dyAt, k, ko + (ky * g.kw() + kx) * g.oc(), dx, dxAt);
                }
            }
        }
    }

    /** {@code dx[dxAt + c] += sum_j dy[dyAt + c*mult + j] * k[kAt + c*mult + j]} for every channel c. */
    private static void addTap(CpuConv2dGeometry g, float[] dy, int dyAt, float[] k, int kAt, float[] dx, int dxAt) {
        int mult = g.ocg();
        int vectorEnd = mult == 1 ? F.loopBound(g.c()) : 0;
        for (int c0 = 0; c0 < vectorEnd; c0 += F.length()) {
            FloatVector d = FloatVector.fromArray(F, dy, dyAt + c0);
            d.fma(FloatVector.fromArray(F, k, kAt + c0), FloatVector.fromArray(F, dx, dxAt + c0)).intoArray(dx, dxAt + c0);
        }
        for (int c = vectorEnd; c < g.c(); c++) {
            float sum = 0f;
            for (int j = 0; j < mult; j++) {
                sum += dy[dyAt + c * mult + j] * k[kAt + c * mult + j];
            }
            dx[dxAt + c] += sum;
        }
    }

    /** The output index whose window starts at {@code offset}, or -1 when none does (negative, off-stride or too far). */
    private static int outIndex(int offset, int stride, int outSize) {
        if (offset < 0 || offset % stride != 0) {
            return -1;
        }
        int out = offset / stride;
        return out < outSize ? out : -1;
    }

    // ---- backward filter ----------------------------------------------------------------------------

    /**
     * {@code dk[ky,kx,0,o] = sum over n,oy,ox of x[n,iy,ix,o/mult] * dy[n,oy,ox,o]}. Output rows are split
     * into one block per thread, each summing into a private partial kernel; the partials are added in
     * block order, so the result does not depend on scheduling.
     */
    static void backwardFilter(CpuConv2dGeometry g, float[] x, int xo, float[] dy, int dyo, float[] dk) {
        int rows = g.n() * g.oh();
        int blocks = Math.min(rows, CpuParallel.threads());
        float[][] partials = new float[blocks][];
        CpuParallel.forRange(blocks, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                float[] partial = new float[dk.length];
                int end = CpuConv2dGeometry.partStart(rows, blocks, b + 1);
                for (int row = CpuConv2dGeometry.partStart(rows, blocks, b); row < end; row++) {
                    filterRow(g, x, xo, dy, dyo, partial, row);
                }
                partials[b] = partial;
            }
        });
        CpuConv2d.addPartials(partials, dk);
    }

    /** Adds the contribution of output row {@code row = img*OH + oy} to every tap of {@code dk}. */
    private static void filterRow(CpuConv2dGeometry g, float[] x, int xo, float[] dy, int dyo, float[] dk, int row) {
        int img = row / g.oh();
        int oy = row % g.oh();
        var s = g.spec();
        int kyHi = endTap(oy, s.strideH(), s.padTop(), s.dilationH(), g.kh(), g.h());
        for (int ky = firstTap(oy, s.strideH(), s.padTop(), s.dilationH()); ky < kyHi; ky++) {
            int xRow = xo + (img * g.h() + g.inRow(oy, ky)) * g.w() * g.c();
            for (int kx = 0; kx < g.kw(); kx++) {
                // Output columns whose tap kx lands inside the image: ix = ox*sw - padLeft + kx*dw in [0, w).
                int oxLo = Math.max(0, Math.ceilDiv(s.padLeft() - kx * s.dilationW(), s.strideW()));
                int oxHi = Math.min(g.ow(), Math.floorDiv(g.w() - 1 + s.padLeft() - kx * s.dilationW(), s.strideW()) + 1);
                if (oxLo < oxHi) {
                    int xAt = xRow + g.inCol(oxLo, kx) * g.c();
                    int dyAt = dyo + (row * g.ow() + oxLo) * g.oc();
                    filterTap(g, x, xAt, dy, dyAt, oxHi - oxLo, dk, (ky * g.kw() + kx) * g.oc());
                }
            }
        }
    }

    /**
     * {@code dk[kAt + o] += sum over count pixels i of x[xAt + i*sw*C + o/mult] * dy[dyAt + i*OC + o]}. The
     * vector loop keeps four partial sums (four pixels) so that the adds do not wait on each other.
     */
    private static void filterTap(CpuConv2dGeometry g, float[] x, int xAt, float[] dy, int dyAt, int count,
                                  float[] dk, int kAt) {
        int xStep = g.spec().strideW() * g.c();
        int oc = g.oc();
        int mult = g.ocg();
        int vectorEnd = mult == 1 ? F.loopBound(oc) : 0;
        for (int c0 = 0; c0 < vectorEnd; c0 += F.length()) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int i = 0;
            for (; i + 4 <= count; i += 4) {
                int xi = xAt + i * xStep + c0;
                int di = dyAt + i * oc + c0;
                a0 = FloatVector.fromArray(F, x, xi).fma(FloatVector.fromArray(F, dy, di), a0);
                a1 = FloatVector.fromArray(F, x, xi + xStep).fma(FloatVector.fromArray(F, dy, di + oc), a1);
                a2 = FloatVector.fromArray(F, x, xi + 2 * xStep).fma(FloatVector.fromArray(F, dy, di + 2 * oc), a2);
                a3 = FloatVector.fromArray(F, x, xi + 3 * xStep).fma(FloatVector.fromArray(F, dy, di + 3 * oc), a3);
            }
            for (; i < count; i++) {
                a0 = FloatVector.fromArray(F, x, xAt + i * xStep + c0).fma(FloatVector.fromArray(F, dy, dyAt + i * oc + c0), a0);
            }
            a0.add(a1).add(a2.add(a3)).add(FloatVector.fromArray(F, dk, kAt + c0)).intoArray(dk, kAt + c0);
        }
        for (int o = vectorEnd; o < oc; o++) {
            float sum = 0f;
            for (int i = 0; i < count; i++) {
                sum += x[xAt + i * xStep + o / mult] * dy[dyAt + i * oc + o];
            }
            dk[kAt + o] += sum;
        }
    }

    // ---- tap ranges ---------------------------------------------------------------------------------

    /** The first tap t with {@code out*stride - pad + t*dilation >= 0} (inside the input at the start). */
    static int firstTap(int out, int stride, int pad, int dilation) {
        return Math.max(0, Math.ceilDiv(pad - out * stride, dilation));
    }

    /** One past the last tap t (at most {@code taps}) with {@code out*stride - pad + t*dilation < inSize}. */
    static int endTap(int out, int stride, int pad, int dilation, int taps, int inSize) {
        return Math.min(taps, Math.floorDiv(inSize - 1 + pad - out * stride, dilation) + 1);
    }

    /** Rows per parallel chunk: enough multiply-adds per chunk (about 64K) to pay for the task. */
    static int grain(CpuConv2dGeometry g) {
        return Math.max(1, 65536 / Math.max(1, g.ow() * g.oc() * g.kh() * g.kw()));
    }
}
