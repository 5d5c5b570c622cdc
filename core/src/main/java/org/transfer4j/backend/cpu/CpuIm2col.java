package org.transfer4j.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col and its adjoint col2im for a range of output pixels, so that a convolution never builds the
 * column matrix of the whole batch, only of one tile at a time.
 *
 * <p>Output pixels are numbered over the batch, {@code p = (img*oh + oy)*ow + ox}; a tile is a range
 * {@code [p0, p1)} and may cross image boundaries. Row {@code p - p0} of the column buffer holds the
 * {@code kdim = kh*kw*cg} input values that output pixel p of group {@code group} reads, ordered
 * (ky, kx, ci), zeros where the window hangs over the padding.
 */
final class CpuIm2col {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CpuIm2col() {
    }

    /** Fills {@code col[(p - p0) * kdim + ...]} from {@code x (n,h,w,c)} stored at {@code x[xo...]}. */
    static void im2col(CpuConv2dGeometry g, float[] x, int xo, int group, int p0, int p1, float[] col) {
        int kdim = g.kdim();
        int cg = g.cg();
        // When whole kernel rows are contiguous in x (dense kx steps, one group) copy kw*c floats at once.
        boolean wholeRows = g.groups() == 1 && g.spec().dilationW() == 1;
        for (int p = p0; p < p1; p++) {
            int img = p / (g.oh() * g.ow());
            int oy = p / g.ow() % g.oh();
            int ox = p % g.ow();
            int dst = (p - p0) * kdim;
            for (int ky = 0; ky < g.kh(); ky++, dst += g.kw() * cg) {
                int iy = g.inRow(oy, ky);
                if (iy < 0 || iy >= g.h()) {
                    Arrays.fill(col, dst, dst + g.kw() * cg, 0f);
                    continue;
                }
                int rowBase = xo + (img * g.h() + iy) * g.w() * g.c() + group * cg;
                int ix0 = g.inCol(ox, 0);
                if (wholeRows && ix0 >= 0 && ix0 + g.kw() <= g.w()) {
                    System.arraycopy(x, rowBase + ix0 * g.c(), col, dst, g.kw() * cg);
                    continue;
                }
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = g.inCol(ox, kx);
                    int d = dst + kx * cg;
                    if (ix < 0 || ix >= g.w()) {
                        Arrays.fill(col, d, d + cg, 0f);
                    } else {
                        System.arraycopy(x, rowBase + ix * g.c(), col, d, cg);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of the column buffer back into the input position
     * it was read from ({@code dx (n,h,w,c)} at {@code dx[dxo...]}); padding entries are dropped.
     * Overlapping windows add into the same element, so two tiles that touch the same image must not
     * run at the same time.
     */
    static void col2im(CpuConv2dGeometry g, float[] col, int group, int p0, int p1, float[] dx, int dxo) {
        int kdim = g.kdim();
        int cg = g.cg();
        for (int p = p0; p < p1; p++) {
            int img = p / (g.oh() * g.ow());
            int oy = p / g.ow() % g.oh();
            int ox = p % g.ow();
            int src = (p - p0) * kdim;
            for (int ky = 0; ky < g.kh(); ky++) {
                int iy = g.inRow(oy, ky);
                if (iy < 0 || iy >= g.h()) {
                    continue;
                }
                int rowBase = dxo + (img * g.h() + iy) * g.w() * g.c() + group * cg;
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = g.inCol(ox, kx);
                    if (ix >= 0 && ix < g.w()) {
                        addInto(dx, rowBase + ix * g.c(), col, src + (ky * g.kw() + kx) * cg, cg);
                    }
                }
            }
        }
    }

    /** {@code dst[d, d+len) += src[s, s+len)}, in SIMD vectors (C2 does not vectorise this loop by itself). */
    private static void addInto(float[] dst, int d, float[] src, int s, int len) {
        int i = 0;
        for (; i < F.loopBound(len); i += F.length()) {
            FloatVector.fromArray(F, dst, d + i).add(FloatVector.fromArray(F, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            dst[d + i] += src[s + i];
        }
    }
}
