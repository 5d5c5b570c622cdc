package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Conv2dSpec;

/**
 * Backward data of a stride-1 convolution as a forward convolution, so that it runs on the same
 * im2col + GEMM tiles as forward (parallel over all tiles, no col2im, and a GEMM with the long
 * {@code KH*KW*OC/groups} inner dimension instead of {@code OC/groups}).
 *
 * <p>With stride 1, {@code dx[iy,ix,c] = sum_{ky,kx,o} dy[iy + padTop - ky*dh, ix + padLeft - kx*dw, o] * k[ky,kx,ci,o]}.
 * Substituting {@code ky = KH-1-ty} (and {@code kx = KW-1-tx}) gives
 * {@code dy[iy - padTop' + ty*dh, ...]} with {@code padTop' = (KH-1)*dh - padTop}: a convolution of
 * {@code dy (N,OH,OW,OC)} with the kernel flipped in space and with its in/out channels swapped within each
 * group, {@code k' (KH,KW,OC/groups,C)}, {@code k'[ty,tx,oLocal,g*cg+ci] = k[KH-1-ty,KW-1-tx,ci,g*ocg+oLocal]},
 * padded by {@code (KH-1)*dh - padTop} on top, {@code (KH-1)*dh - padBottom} at the bottom, likewise for
 * columns. Only the (small) kernel is copied.
 */
final class CpuConv2dTransposed {
    private CpuConv2dTransposed() {
    }

    /** Stride 1 and padding of at most the dilated kernel's reach on every side (so that the new padding is not negative). */
    static boolean applies(CpuConv2dGeometry g) {
        Conv2dSpec s = g.spec();
        int reachH = (g.kh() - 1) * s.dilationH();
        int reachW = (g.kw() - 1) * s.dilationW();
        return s.strideH() == 1 && s.strideW() == 1 && s.padTop() <= reachH && s.padBottom() <= reachH
                && s.padLeft() <= reachW && s.padRight() <= reachW;
    }

    /** {@code dx (N,H,W,C)} at index 0 from {@code dy (N,OH,OW,OC)} at {@code dyo} and the kernel at {@code ko}. */
    static void backwardData(CpuConv2dGeometry g, float[] dy, int dyo, float[] k, int ko, float[] dx) {
        Conv2dSpec s = g.spec();
        int reachH = (g.kh() - 1) * s.dilationH();
        int reachW = (g.kw() - 1) * s.dilationW();
        Conv2dSpec flipped = new Conv2dSpec(1, 1, reachH - s.padTop(), reachH - s.padBottom(),
                reachW - s.padLeft(), reachW - s.padRight(), s.dilationH(), s.dilationW(), s.groups());
        // dy plays x (N,OH,OW,OC) and dx plays y (N,H,W,C).
        CpuConv2dGeometry t = new CpuConv2dGeometry(g.n(), g.oh(), g.ow(), g.oc(), g.kh(), g.kw(), g.c(), g.h(), g.w(),
                flipped);
        CpuConv2d.forwardIm2col(t, dy, dyo, flippedKernel(g, k, ko), 0, dx);
    }

    /** {@code k' (KH,KW,OCg,C)} as in the class comment. */
    private static float[] flippedKernel(CpuConv2dGeometry g, float[] k, int ko) {
        int cg = g.cg();
        int ocg = g.ocg();
        float[] f = new float[g.kh() * g.kw() * ocg * g.c()];
        for (int ty = 0; ty < g.kh(); ty++) {
            for (int tx = 0; tx < g.kw(); tx++) {
                int src = ko + ((g.kh() - 1 - ty) * g.kw() + (g.kw() - 1 - tx)) * cg * g.oc();
                int dst = (ty * g.kw() + tx) * ocg * g.c();
                for (int group = 0; group < g.groups(); group++) {
                    for (int ci = 0; ci < cg; ci++) {
                        for (int o = 0; o < ocg; o++) {
                            f[dst + o * g.c() + group * cg + ci] = k[src + ci * g.oc() + group * ocg + o];
                        }
                    }
                }
            }
        }
        return f;
    }
}
