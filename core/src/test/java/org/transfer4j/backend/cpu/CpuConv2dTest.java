package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU convolution (every path: pointwise GEMM, im2col + GEMM, direct depthwise) against a naive
 * seven-loop convolution written here from the definition, for forward, backward-data and
 * backward-filter over strides, paddings, dilations, groups and odd sizes.
 */
class CpuConv2dTest {
    private static final Backend CPU = CpuBackend.instance();

    /** One convolution: x (n,h,w,c), kernel (kh,kw,c/groups,oc). */
    record Case(String name, int n, int h, int w, int c, int kh, int kw, int oc, Padding padding,
                int strideH, int strideW, int dilationH, int dilationW, int groups) {
        Conv2dSpec spec() {
            return Conv2dSpec.of(padding, h, w, kh, kw, strideH, strideW, dilationH, dilationW, groups);
        }

        int[] xShape() {
            return new int[] {n, h, w, c};
        }

        int[] kernelShape() {
            return new int[] {kh, kw, c / groups, oc};
        }

        int[] yShape() {
            Conv2dSpec s = spec();
            return new int[] {n, s.outHeight(h, kh), s.outWidth(w, kw), oc};
        }
    }

    private static Case plain(String name, int n, int h, int w, int c, int k, int oc, Padding p, int stride) {
        return new Case(name, n, h, w, c, k, k, oc, p, stride, stride, 1, 1, 1);
    }

    private static final List<Case> CASES = List.of(
            plain("3x3 same stride 1", 3, 7, 5, 3, 3, 4, Padding.SAME, 1),
            plain("3x3 same stride 2", 1, 7, 5, 3, 3, 4, Padding.SAME, 2),
            plain("3x3 valid stride 2", 3, 8, 6, 4, 3, 5, Padding.VALID, 2),
            plain("3x3 asymmetric explicit padding", 2, 7, 5, 3, 3, 2, Padding.explicit(0, 2, 1, 0), 1),
            plain("5x5 explicit padding 2, stride 2", 1, 7, 5, 3, 5, 3, Padding.explicit(2), 2),
            new Case("5x3 kernel valid", 2, 7, 5, 3, 5, 3, 2, Padding.VALID, 1, 1, 1, 1, 1),
            new Case("3x3 dilation 2 same", 2, 7, 7, 3, 3, 3, 4, Padding.SAME, 1, 1, 2, 2, 1),
            new Case("stride (2,1) dilation (1,2)", 1, 7, 5, 4, 3, 3, 3, Padding.explicit(1, 1, 2, 2), 2, 1, 1, 2, 1),
            new Case("groups 2 same", 3, 7, 5, 4, 3, 3, 6, Padding.SAME, 1, 1, 1, 1, 2),
            new Case("groups 2 valid stride 2", 1, 6, 6, 6, 3, 3, 4, Padding.VALID, 2, 2, 1, 1, 2),
            new Case("groups 2 dilation 2", 2, 7, 5, 4, 3, 3, 2, Padding.SAME, 1, 1, 2, 2, 2),
            new Case("depthwise same", 3, 7, 5, 19, 3, 3, 19, Padding.SAME, 1, 1, 1, 1, 19),
            new Case("depthwise same stride 2", 2, 8, 6, 19, 3, 3, 19, Padding.SAME, 2, 2, 1, 1, 19),
            new Case("depthwise 3 channels", 1, 7, 5, 3, 3, 3, 3, Padding.SAME, 1, 1, 1, 1, 3),
            new Case("depthwise multiplier 2", 2, 7, 5, 3, 3, 3, 6, Padding.SAME, 1, 1, 1, 1, 3),
            new Case("depthwise multiplier 2 valid stride 2", 1, 7, 5, 5, 3, 3, 10, Padding.VALID, 2, 2, 1, 1, 5),
            new Case("depthwise dilation 2 asymmetric", 1, 7, 5, 17, 3, 3, 17, Padding.explicit(2, 0, 0, 3), 1, 1, 2, 2,
                    17),
            new Case("depthwise padding wider than the kernel", 2, 5, 4, 17, 3, 3, 17, Padding.explicit(3, 0, 1, 4), 1, 1,
                    1, 1, 17),
            new Case("depthwise stride (1,2) dilation (2,1)", 2, 7, 6, 18, 3, 3, 18, Padding.SAME, 1, 2, 2, 1, 18),
            plain("1x1 pointwise", 3, 7, 5, 3, 1, 4, Padding.VALID, 1),
            plain("1x1 stride 2", 3, 7, 5, 3, 1, 5, Padding.VALID, 2),
            plain("1x1 padded", 1, 7, 5, 3, 1, 2, Padding.explicit(1, 0, 0, 1), 1),
            new Case("1x1 groups 2", 2, 7, 5, 4, 1, 1, 4, Padding.VALID, 1, 1, 1, 1, 2),
            plain("batch 1, 3x3 64->32 on 24x24, several tiles", 1, 24, 24, 64, 3, 32, Padding.SAME, 1));

    @Test
    void conv2dForwardMatchesNaiveLoops() {
        for (Case k : CASES) {
            float[] x = random(1, k.xShape());
            float[] w = random(2, k.kernelShape());
            float[] got = CPU.conv2d(tensor(x, k.xShape()), tensor(w, k.kernelShape()), k.spec()).toArray();
            Naive naive = new Naive(k);
            assertClose(k.name() + " forward", naive.forward(x, w), naive.forward(abs(x), abs(w)), got);
        }
    }

    @Test
    void conv2dBackwardDataMatchesNaiveLoops() {
        for (Case k : CASES) {
            float[] dy = random(3, k.yShape());
            float[] w = random(2, k.kernelShape());
            float[] got = CPU.conv2dBackwardData(tensor(dy, k.yShape()), tensor(w, k.kernelShape()), k.spec(), k.xShape())
                    .toArray();
            Naive naive = new Naive(k);
            assertClose(k.name() + " backward data", naive.backwardData(dy, w), naive.backwardData(abs(dy), abs(w)), got);
        }
    }

    @Test
    void conv2dBackwardFilterMatchesNaiveLoops() {
        for (Case k : CASES) {
            float[] x = random(1, k.xShape());
            float[] dy = random(3, k.yShape());
            float[] got = CPU.conv2dBackwardFilter(tensor(x, k.xShape()), tensor(dy, k.yShape()), k.spec(),
                    k.kernelShape()).toArray();
            Naive naive = new Naive(k);
            assertClose(k.name() + " backward filter", naive.backwardFilter(x, dy), naive.backwardFilter(abs(x), abs(dy)),
                    got);
        }
    }

    @Test
    void sameWithStrideTwoOnEvenInputPadsBottomAndRight() {
        // 6x6 input, 3x3 kernel, stride 2: output 3x3 needs 1 row/column of padding in total; Keras puts it
        // at the bottom/right (PyTorch-style symmetric padding would put it at the top/left instead).
        Case same = plain("same", 1, 6, 6, 2, 3, 3, Padding.SAME, 2);
        Conv2dSpec spec = same.spec();
        assertEquals(new Conv2dSpec(2, 2, 0, 1, 0, 1, 1, 1, 1), spec);
        Tensor x = tensor(random(1, same.xShape()), same.xShape());
        Tensor w = tensor(random(2, same.kernelShape()), same.kernelShape());
        float[] bottomRight = CPU.conv2d(x, w, new Conv2dSpec(2, 2, 0, 1, 0, 1, 1, 1, 1)).toArray();
        float[] topLeft = CPU.conv2d(x, w, new Conv2dSpec(2, 2, 1, 0, 1, 0, 1, 1, 1)).toArray();
        assertArrayEquals(bottomRight, CPU.conv2d(x, w, spec).toArray());
        assertTrue(maxDifference(bottomRight, topLeft) > 0.1, "the two paddings should give different outputs");
    }

    @Test
    void backwardDataRejectsGradientOfWrongShape() {
        Case k = plain("k", 1, 7, 5, 3, 3, 4, Padding.SAME, 1);
        Tensor wrongDy = Tensor.zeros(1, 7, 4, 4);
        var e = assertThrows(ShapeMismatchException.class,
                () -> CPU.conv2dBackwardData(wrongDy, Tensor.zeros(k.kernelShape()), k.spec(), k.xShape()));
        assertTrue(e.getMessage().contains("[1, 7, 4, 4]"), e.getMessage());
    }

    // ---- the reference ---------------------------------------------------------------------------------

    /** Convolution straight from its definition, accumulated in double. */
    private record Naive(Case k, int oh, int ow, int cg, int ocg) {
        Naive(Case k) {
            this(k, k.yShape()[1], k.yShape()[2], k.c() / k.groups(), k.oc() / k.groups());
        }

        double[] forward(float[] x, float[] w) {
            double[] y = new double[k.n() * oh * ow * k.oc()];
            visit((xi, wi, yi) -> y[yi] += (double) x[xi] * w[wi]);
            return y;
        }

        double[] backwardData(float[] dy, float[] w) {
            double[] dx = new double[k.n() * k.h() * k.w() * k.c()];
            visit((xi, wi, yi) -> dx[xi] += (double) dy[yi] * w[wi]);
            return dx;
        }

        double[] backwardFilter(float[] x, float[] dy) {
            double[] dw = new double[k.kh() * k.kw() * cg * k.oc()];
            visit((xi, wi, yi) -> dw[wi] += (double) x[xi] * dy[yi]);
            return dw;
        }

        /** Calls {@code term} with the flat indices of every (x, kernel, y) triple the convolution multiplies. */
        private void visit(Term term) {
            for (int n = 0; n < k.n(); n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        for (int o = 0; o < k.oc(); o++) {
                            for (int ky = 0; ky < k.kh(); ky++) {
                                for (int kx = 0; kx < k.kw(); kx++) {
                                    for (int ci = 0; ci < cg; ci++) {
                                        int iy = oy * k.strideH() - k.spec().padTop() + ky * k.dilationH();
                                        int ix = ox * k.strideW() - k.spec().padLeft() + kx * k.dilationW();
                                        if (iy < 0 || iy >= k.h() || ix < 0 || ix >= k.w()) {
                                            continue;
                                        }
                                        int c = (o / ocg) * cg + ci;
                                        term.at(((n * k.h() + iy) * k.w() + ix) * k.c() + c,
                                                ((ky * k.kw() + kx) * cg + ci) * k.oc() + o,
                                                ((n * oh + oy) * ow + ox) * k.oc() + o);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface Term {
        void at(int xIndex, int kernelIndex, int yIndex);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /**
     * Float32 sums of m terms are off by at most about {@code m * 6e-8 * sum|terms|} (typically
     * {@code sqrt(m)} times that); {@code 1e-5 * sum|terms|} covers m up to ~170 in the worst case and far
     * more in practice, while any indexing bug is off by a whole term.
     */
    private static void assertClose(String what, double[] expected, double[] absSums, float[] got) {
        assertEquals(expected.length, got.length, what + ": number of elements");
        for (int i = 0; i < got.length; i++) {
            if (Math.abs(got[i] - expected[i]) > 1e-5 * absSums[i] + 1e-6) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + expected[i]);
            }
        }
    }

    private static float[] random(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).toArray();
    }

    private static Tensor tensor(float[] values, int[] shape) {
        return Tensor.of(values, shape);
    }

    private static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
