package org.transfer4j.backend.cpu;

import static org.transfer4j.backend.cpu.CpuDepthwiseConv2d.F;
import static org.transfer4j.backend.cpu.CpuDepthwiseConv2d.endTap;
import static org.transfer4j.backend.cpu.CpuDepthwiseConv2d.firstTap;

import jdk.incubator.vector.FloatVector;

/**
 * The row kernel shared by depthwise forward and stride-1 backward-data: a per-channel correlation
 * {@code y (n,outH,outW,c)} of {@code x (n,inH,inW,c)}, depth multiplier 1,
 * {@code y[n,oy,ox,c] = sum_{ky,kx} x[n, oy*strideH - padTop + ky*dilationH, ox*strideW - padLeft + kx*dilationW, c] * k[kAt(ky,kx) + c]},
 * with {@code kAt(ky,kx) = kBase + ky*kyStep + kx*kxStep}: the kernel is addressed through steps, so the
 * backward pass can walk it flipped (negative steps) without copying it. Padding may be negative
 * (then the window starts inside the input).
 *
 * <p>Speed. Where a whole window row lies inside the input, four neighbouring output pixels are computed
 * together: each kernel vector is loaded once for four multiply-adds, and the four sums are
 * independent, so the FMA latency is hidden. Pixels at the borders run one at a time over their valid taps.
 */
record CpuDepthwiseCorrelation(int n, int inH, int inW, int outH, int outW, int c,
                               int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW,
                               int kh, int kw, int kBase, int kyStep, int kxStep) {

    /** The forward convolution (multiplier 1) with the kernel {@code (KH,KW,1,C)} at {@code k[ko...]}. */
    static CpuDepthwiseCorrelation forward(CpuConv2dGeometry g, int ko) {
        var s = g.spec();
        return new CpuDepthwiseCorrelation(g.n(), g.h(), g.w(), g.oh(), g.ow(), g.c(), s.strideH(), s.strideW(),
                s.padTop(), s.padLeft(), s.dilationH(), s.dilationW(), g.kh(), g.kw(), ko, g.kw() * g.oc(), g.oc());
    }

    /**
     * Backward data of a stride-1, multiplier-1 convolution, or null for other convolutions. With stride 1,
     * {@code dx[iy] = sum_ky dy[iy + padTop - ky*dh] * k[ky]}; substituting {@code ky = KH-1-t} gives
     * {@code sum_t dy[iy - ((KH-1)*dh - padTop) + t*dh] * k[KH-1-t]}: a correlation of dy with the flipped
     * kernel and padding {@code (KH-1)*dh - padTop} (likewise for columns).
     */
    static CpuDepthwiseCorrelation backwardData(CpuConv2dGeometry g, int ko) {
        var s = g.spec();
        if (g.ocg() != 1 || s.strideH() != 1 || s.strideW() != 1) {
            return null;
        }
        int lastTap = ko + ((g.kh() - 1) * g.kw() + g.kw() - 1) * g.oc();
        return new CpuDepthwiseCorrelation(g.n(), g.oh(), g.ow(), g.h(), g.w(), g.c(), 1, 1,
                (g.kh() - 1) * s.dilationH() - s.padTop(), (g.kw() - 1) * s.dilationW() - s.padLeft(),
                s.dilationH(), s.dilationW(), g.kh(), g.kw(), lastTap, -g.kw() * g.oc(), -g.oc());
    }

    /** Writes every element of {@code y}, which starts at index 0; x starts at {@code xo}. */
    void run(float[] x, int xo, float[] k, float[] y) {
        int grain = Math.max(1, 65536 / Math.max(1, outW * c * kh * kw));
        CpuParallel.forRange(n * outH, grain, (from, to) -> {
            for (int row = from; row < to; row++) {
                row(x, xo, k, y, row);
            }
        });
    }

    /** Output row {@code row = img*outH + oy}. */
    private void row(float[] x, int xo, float[] k, float[] y, int row) {
        int oy = row % outH;
        int kyLo = firstTap(oy, strideH, padTop, dilationH);
        int kyHi = endTap(oy, strideH, padTop, dilationH, kh, inH);
        int ox = 0;
        while (ox < outW) {
            int kxLo = firstTap(ox, strideW, padLeft, dilationW);
            if (kxLo == 0 && ox + 4 <= outW && endTap(ox + 3, strideW, padLeft, dilationW, kw, inW) == kw) {
                fourPixels(x, xo, k, y, row, ox, kyLo, kyHi);
                ox += 4;
            } else {
                onePixel(x, xo, k, y, row, ox, kyLo, kyHi, kxLo, endTap(ox, strideW, padLeft, dilationW, kw, inW));
                ox++;
            }
        }
    }

    /** Pixels {@code ox .. ox+3} of the row, all of whose column taps are inside the input. */
    private void fourPixels(float[] x, int xo, float[] k, float[] y, int row, int ox, int kyLo, int kyHi) {
        int xStep = strideW * c;
        int vectorEnd = F.loopBound(c);
        int yAt = (row * outW + ox) * c;
        for (int c0 = 0; c0 < vectorEnd; c0 += F.length()) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int ky = kyLo; ky < kyHi; ky++) {
                int xAt = inputAt(xo, row, ky, ox, 0) + c0;
                int kAt = kBase + ky * kyStep + c0;
                for (int kx = 0; kx < kw; kx++) {
                    FloatVector kv = FloatVector.fromArray(F, k, kAt + kx * kxStep);
                    int xi = xAt + kx * dilationW * c;
                    a0 = FloatVector.fromArray(F, x, xi).fma(kv, a0);
                    a1 = FloatVector.fromArray(F, x, xi + xStep).fma(kv, a1);
                    a2 = FloatVector.fromArray(F, x, xi + 2 * xStep).fma(kv, a2);
                    a3 = FloatVector.fromArray(F, x, xi + 3 * xStep).fma(kv, a3);
                }
            }
            a0.intoArray(y, yAt + c0);
            a1.intoArray(y, yAt + c + c0);
            a2.intoArray(y, yAt + 2 * c + c0);
            a3.intoArray(y, yAt + 3 * c + c0);
        }
        for (int i = 0; i < 4; i++) {
            scalarChannels(x, xo, k, y, row, ox + i, kyLo, kyHi, 0, kw, vectorEnd);
        }
    }

    /** Pixel {@code ox} of the row over its column taps {@code [kxLo, kxHi)}. */
    private void onePixel(float[] x, int xo, float[] k, float[] y, int row, int ox, int kyLo, int kyHi,
                          int kxLo, int kxHi) {
        int vectorEnd = F.loopBound(c);
        int yAt = (row * outW + ox) * c;
        for (int c0 = 0; c0 < vectorEnd; c0 += F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (int ky = kyLo; ky < kyHi; ky++) {
                for (int kx = kxLo; kx < kxHi; kx++) {
                    FloatVector kv = FloatVector.fromArray(F, k, kBase + ky * kyStep + kx * kxStep + c0);
                    acc = FloatVector.fromArray(F, x, inputAt(xo, row, ky, ox, kx) + c0).fma(kv, acc);
                }
            }
            acc.intoArray(y, yAt + c0);
        }
        scalarChannels(x, xo, k, y, row, ox, kyLo, kyHi, kxLo, kxHi, vectorEnd);
    }

    /** Channels {@code [from, c)} of pixel {@code ox}, one at a time (the leftovers of the vector loop). */
    private void scalarChannels(float[] x, int xo, float[] k, float[] y, int row, int ox, int kyLo, int kyHi,
                                int kxLo, int kxHi, int from) {
        int yAt = (row * outW + ox) * c;
        for (int ch = from; ch < c; ch++) {
            float sum = 0f;
            for (int ky = kyLo; ky < kyHi; ky++) {
                for (int kx = kxLo; kx < kxHi; kx++) {
                    sum += x[inputAt(xo, row, ky, ox, kx) + ch] * k[kBase + ky * kyStep + kx * kxStep + ch];
                }
            }
            y[yAt + ch] = sum;
        }
    }

    /** Index of channel 0 of the input pixel that tap {@code (ky,kx)} of output {@code (row, ox)} reads. */
    private int inputAt(int xo, int row, int ky, int ox, int kx) {
        int img = row / outH;
        int iy = row % outH * strideH - padTop + ky * dilationH;
        int ix = ox * strideW - padLeft + kx * dilationW;
        return xo + ((img * inH + iy) * inW + ix) * c;
    }
}
