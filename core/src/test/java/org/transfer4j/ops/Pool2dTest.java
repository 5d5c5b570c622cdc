package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.cpu.CpuParallel;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class Pool2dTest {
    /** {H, W, poolH, poolW, strideH, strideW}: odd sizes, square and non-square windows, strides 1 to 3. */
    private static final int[][] CASES = {
        {7, 5, 2, 2, 2, 2}, {7, 5, 3, 3, 1, 1}, {6, 9, 3, 3, 2, 2}, {9, 6, 2, 3, 1, 2},
        {5, 7, 3, 2, 3, 1}, {8, 8, 3, 3, 3, 3}, {1, 5, 1, 2, 1, 1}, {4, 4, 2, 2, 1, 1}};

    @Test
    void forwardMatchesNaiveLoopsForStridesWindowsAndPaddings() {
        for (int[] k : CASES) {
            for (Padding padding : new Padding[] {Padding.SAME, Padding.VALID}) {
                Tensor x = OpCheck.randn(k[0] * 31 + k[1], 2, k[0], k[1], 19); // 19: full vectors and a scalar tail
                String what = Arrays.toString(k) + " " + padding;
                assertArrayEquals(naive(x, k, padding, true), Pool2d.maxPool2d(x, k[2], k[3], k[4], k[5], padding).toArray(),
                        1e-6f, "max " + what);
                assertArrayEquals(naive(x, k, padding, false), Pool2d.avgPool2d(x, k[2], k[3], k[4], k[5], padding).toArray(),
                        1e-5f, "avg " + what);
            }
        }
    }

    @Test
    void sameAveragePoolDividesCornersByTheirRealCells() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
        // Windows clipped to the image: corner {1,2,4,5} / 4 = 3, edge {1,2,3,4,5,6} / 6 = 3.5, centre 45 / 9 = 5.
        float[] expected = {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7};
        assertArrayEquals(expected, Pool2d.avgPool2d(x, 3, 1, Padding.SAME).toArray(), 1e-6f);
    }

    @Test
    void samePaddingPutsTheExtraCellAtTheRight() {
        // W=4, window 2, stride 1: one padding column, on the right; so the last window holds only d.
        Tensor x = Tensor.of(new float[] {-1, -4, -2, -3}, 1, 1, 4, 1);
        assertArrayEquals(new float[] {-1, -2, -2, -3}, Pool2d.maxPool2d(x, 1, 2, 1, 1, Padding.SAME).toArray());
        assertArrayEquals(new float[] {-2.5f, -3, -2.5f, -3}, Pool2d.avgPool2d(x, 1, 2, 1, 1, Padding.SAME).toArray());
    }

    @Test
    void windowsMadeOnlyOfPaddingGiveZeroAndNoGradient() {
        // 1x2 input, window 1x1, explicit padding 1 left and right: the outer windows see no real cell.
        Tensor x = Tensor.of(new float[] {-3, -5}, 1, 1, 2, 1).requiresGrad(true);
        Tensor y = Pool2d.maxPool2d(x, 1, 1, 1, 1, Padding.explicit(0, 0, 1, 1));
        assertArrayEquals(new float[] {0, -3, -5, 0}, y.toArray());
        y.backward(Tensor.of(new float[] {100, 1, 2, 100}, 1, 1, 4, 1));
        assertArrayEquals(new float[] {1, 2}, x.grad().toArray());
        Tensor avg = Pool2d.avgPool2d(x.detach(), 1, 1, 1, 1, Padding.explicit(0, 0, 1, 1));
        assertArrayEquals(new float[] {0, -3, -5, 0}, avg.toArray());
    }

    @Test
    void maxPoolBackwardSendsTiedGradientsToTheFirstMaximum() {
        // 3x3, 2x2 windows, stride 1, 35 channels (full vectors and a scalar tail). Even channels are all
        // ties: each window's top-left cell wins. Odd channels hold 1..9: the bottom-right cell wins.
        int c = 35;
        float[] x = new float[9 * c];
        for (int i = 0; i < 9; i++) {
            for (int k = 0; k < c; k++) {
                x[i * c + k] = k % 2 == 0 ? 1f : i + 1;
            }
        }
        float[] dy = new float[4 * c];
        for (int o = 0; o < 4; o++) {
            Arrays.fill(dy, o * c, (o + 1) * c, (float) Math.pow(10, o));
        }
        Tensor leaf = Tensor.of(x, 1, 3, 3, c).requiresGrad(true);
        Pool2d.maxPool2d(leaf, 2, 1, Padding.VALID).backward(Tensor.of(dy, 1, 2, 2, c));
        float[] expectedTies = {1, 10, 0, 100, 1000, 0, 0, 0, 0};
        float[] expectedDistinct = {0, 0, 0, 0, 1, 10, 0, 100, 1000};
        float[] dx = leaf.grad().toArray();
        for (int i = 0; i < 9; i++) {
            for (int k = 0; k < c; k++) {
                float expected = k % 2 == 0 ? expectedTies[i] : expectedDistinct[i];
                assertEquals(expected, dx[i * c + k], "cell " + i + ", channel " + k);
            }
        }
    }

    @Test
    void backwardMatchesNaiveLoopsOnLargerInputs() {
        // Larger than the gradient checks. One image is split into channel bands; a batch of
        // 2 * threads images is split by image only: both ways of cutting the work are covered.
        int[][] cases = {{9, 11, 3, 3, 2, 2}, {8, 7, 2, 3, 1, 2}};
        int[] batches = {1, 2 * CpuParallel.threads()};
        for (int b = 0; b < cases.length; b++) {
            int[] k = cases[b];
            for (Padding padding : new Padding[] {Padding.SAME, Padding.VALID}) {
                Tensor x = OpCheck.distinct(5, batches[b], k[0], k[1], 70);
                for (boolean max : new boolean[] {true, false}) {
                    Tensor leaf = x.detach().requiresGrad(true);
                    Tensor y = max ? Pool2d.maxPool2d(leaf, k[2], k[3], k[4], k[5], padding)
                            : Pool2d.avgPool2d(leaf, k[2], k[3], k[4], k[5], padding);
                    Tensor dy = OpCheck.randn(9, y.shape());
                    y.backward(dy);
                    assertArrayEquals(naiveBackward(x, dy, k, padding, max), leaf.grad().toArray(), 1e-5f,
                            (max ? "max " : "avg ") + Arrays.toString(k) + " " + padding);
                }
            }
        }
    }

    @Test
    void maxPoolGradientMatchesFiniteDifferences() {
        Tensor x = OpCheck.distinct(1, 2, 5, 6, 3);
        OpCheck.gradcheck("maxPool 3x3/2 same", t -> Pool2d.maxPool2d(t[0], 3, 2, Padding.SAME), x);
        OpCheck.gradcheck("maxPool 2x3/(1,2) valid", t -> Pool2d.maxPool2d(t[0], 2, 3, 1, 2, Padding.VALID), x);
    }

    @Test
    void avgPoolGradientMatchesFiniteDifferences() {
        Tensor x = OpCheck.randn(2, 2, 5, 6, 3);
        OpCheck.gradcheck("avgPool 3x3/2 same", t -> Pool2d.avgPool2d(t[0], 3, 2, Padding.SAME), x);
        OpCheck.gradcheck("avgPool 3x2/(3,1) valid", t -> Pool2d.avgPool2d(t[0], 3, 2, 3, 1, Padding.VALID), x);
    }

    @Test
    void globalPoolsMatchFiniteDifferences() {
        Tensor x = OpCheck.distinct(3, 2, 3, 4, 3);
        OpCheck.gradcheck("globalAvgPool", t -> Pool2d.globalAvgPool(t[0], false), x);
        OpCheck.gradcheck("globalMaxPool keepDims", t -> Pool2d.globalMaxPool(t[0], true), x);
    }

    @Test
    void globalPoolsReduceHeightAndWidth() {
        Tensor x = Tensor.of(new float[] {1, -1, 2, -2, 3, -3, 6, -6}, 1, 2, 2, 2);
        assertArrayEquals(new int[] {1, 2}, Pool2d.globalAvgPool(x, false).shape());
        assertArrayEquals(new int[] {1, 1, 1, 2}, Pool2d.globalMaxPool(x, true).shape());
        assertArrayEquals(new float[] {3, -3}, Pool2d.globalAvgPool(x, false).toArray());
        assertArrayEquals(new float[] {6, -1}, Pool2d.globalMaxPool(x, false).toArray());
    }

    @Test
    void poolingRejectsWrongRankAndWindowsLargerThanTheInput() {
        var rank = assertThrows(ShapeMismatchException.class,
                () -> Pool2d.maxPool2d(Tensor.zeros(4, 4, 3), 2, 2, Padding.VALID));
        assertTrue(rank.getMessage().contains("maxPool2d") && rank.getMessage().contains("[4, 4, 3]"), rank.getMessage());
        var big = assertThrows(ShapeMismatchException.class,
                () -> Pool2d.avgPool2d(Tensor.zeros(1, 2, 5, 3), 3, 1, Padding.VALID));
        assertTrue(big.getMessage().contains("avgPool2d") && big.getMessage().contains("[1, 2, 5, 3]"), big.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Pool2d.globalAvgPool(Tensor.zeros(2, 3), false));
        assertThrows(IllegalArgumentException.class, () -> Pool2d.maxPool2d(Tensor.zeros(1, 4, 4, 1), 2, 0, Padding.SAME));
    }

    // ---- references: plain loops over every output and every window cell --------------------------------

    /** {top, left} padding: Keras SAME puts the smaller half before. */
    private static int[] padBefore(int[] k, Padding padding) {
        if (padding == Padding.VALID) {
            return new int[] {0, 0};
        }
        int totalH = Math.max(((k[0] + k[4] - 1) / k[4] - 1) * k[4] + k[2] - k[0], 0);
        int totalW = Math.max(((k[1] + k[5] - 1) / k[5] - 1) * k[5] + k[3] - k[1], 0);
        return new int[] {totalH / 2, totalW / 2};
    }

    private static int[] outSize(int[] k, Padding padding) {
        return padding == Padding.VALID
                ? new int[] {(k[0] - k[2]) / k[4] + 1, (k[1] - k[3]) / k[5] + 1}
                : new int[] {(k[0] + k[4] - 1) / k[4], (k[1] + k[5] - 1) / k[5]};
    }

    private static float[] naive(Tensor xt, int[] k, Padding padding, boolean max) {
        int n = xt.shape(0);
        int c = xt.shape(3);
        float[] x = xt.toArray();
        int[] pad = padBefore(k, padding);
        int[] out = outSize(k, padding);
        float[] y = new float[n * out[0] * out[1] * c];
        int i = 0;
        for (int b = 0; b < n; b++) {
            for (int oh = 0; oh < out[0]; oh++) {
                for (int ow = 0; ow < out[1]; ow++) {
                    for (int ch = 0; ch < c; ch++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int cells = 0;
                        for (int dh = 0; dh < k[2]; dh++) {
                            for (int dw = 0; dw < k[3]; dw++) {
                                int h = oh * k[4] - pad[0] + dh;
                                int w = ow * k[5] - pad[1] + dw;
                                if (h >= 0 && h < k[0] && w >= 0 && w < k[1]) {
                                    float v = x[((b * k[0] + h) * k[1] + w) * c + ch];
                                    acc = max ? Math.max(acc, v) : acc + v;
                                    cells++;
                                }
                            }
                        }
                        y[i++] = (float) (max ? acc : acc / cells);
                    }
                }
            }
        }
        return y;
    }

    private static float[] naiveBackward(Tensor xt, Tensor dyt, int[] k, Padding padding, boolean max) {
        int n = xt.shape(0);
        int c = xt.shape(3);
        float[] x = xt.toArray();
        float[] dy = dyt.toArray();
        float[] dx = new float[x.length];
        int[] pad = padBefore(k, padding);
        int[] out = outSize(k, padding);
        int i = 0;
        for (int b = 0; b < n; b++) {
            for (int oh = 0; oh < out[0]; oh++) {
                for (int ow = 0; ow < out[1]; ow++) {
                    for (int ch = 0; ch < c; ch++, i++) {
                        int best = -1;
                        int cells = 0;
                        for (int dh = 0; dh < k[2]; dh++) {
                            for (int dw = 0; dw < k[3]; dw++) {
                                int h = oh * k[4] - pad[0] + dh;
                                int w = ow * k[5] - pad[1] + dw;
                                if (h >= 0 && h < k[0] && w >= 0 && w < k[1]) {
                                    int at = ((b * k[0] + h) * k[1] + w) * c + ch;
                                    best = best < 0 || x[at] > x[best] ? at : best;
                                    cells++;
                                }
                            }
                        }
                        if (max) {
                            dx[best] += dy[i];
                            continue;
                        }
                        for (int dh = 0; dh < k[2]; dh++) {
                            for (int dw = 0; dw < k[3]; dw++) {
                                int h = oh * k[4] - pad[0] + dh;
                                int w = ow * k[5] - pad[1] + dw;
                                if (h >= 0 && h < k[0] && w >= 0 && w < k[1]) {
                                    dx[((b * k[0] + h) * k[1] + w) * c + ch] += dy[i] / cells;
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
