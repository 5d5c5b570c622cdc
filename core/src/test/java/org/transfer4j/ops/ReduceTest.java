package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class ReduceTest {
    private enum Kind { SUM, MEAN, MAX, MIN }

    /**
     * Every subset of axes of a rank-4 tensor: after merging, these hit all of CpuReduce's layouts —
     * inner axes (rows: {3}, {2,3}), outer axes (columns: {0}, {0,1}), middle axes (columns per outer
     * index: {1}, {1,2}), all axes, and the general walk ({0,2}, {1,3}, {0,3}, {0,1,3}, ...).
     */
    @Test
    void reductionsMatchNaiveLoopsForEveryAxisSubset() {
        int[] shape = {2, 3, 4, 5};
        float[] x = OpCheck.randn(1, shape).toArray();
        for (int mask = 0; mask < 16; mask++) {
            int[] axes = axesOf(mask, 4);
            for (Kind kind : Kind.values()) {
                for (boolean keep : new boolean[] {false, true}) {
                    checkAgainstNaive(kind, x, shape, axes, keep);
                }
            }
        }
    }

    /** Size-1 axes are skipped when merging, so these shapes take the fast paths in unusual ways. */
    @Test
    void reductionsMatchNaiveLoopsWithSizeOneAndOddAxes() {
        int[][] shapes = {{7}, {1, 5, 1}, {3, 1, 4}, {1, 1}, {5, 1, 3, 1, 2}};
        for (int[] shape : shapes) {
            float[] x = OpCheck.randn(2, shape).toArray();
            for (int mask = 0; mask < (1 << shape.length); mask++) {
                for (Kind kind : Kind.values()) {
                    checkAgainstNaive(kind, x, shape, axesOf(mask, shape.length), mask % 2 == 0);
                }
            }
        }
    }

    /** Big enough that the rows and columns paths split the work across threads. */
    @Test
    void parallelRowAndColumnReductionsMatchNaiveLoops() {
        int[] shape = {700, 130};
        float[] x = OpCheck.randn(3, shape).toArray();
        for (Kind kind : Kind.values()) {
            checkAgainstNaive(kind, x, shape, new int[] {1}, false); // rows
            checkAgainstNaive(kind, x, shape, new int[] {0}, false); // columns
        }
        int[] nhwc = {6, 7, 7, 96}; // global pooling: columns per image
        float[] p = OpCheck.randn(4, nhwc).toArray();
        for (Kind kind : Kind.values()) {
            checkAgainstNaive(kind, p, nhwc, new int[] {1, 2}, true);
        }
        int[] general = {40, 30, 20};
        float[] g = OpCheck.randn(5, general).toArray();
        checkAgainstNaive(Kind.SUM, g, general, new int[] {0, 2}, true);
    }

    @Test
    void reducingAnEmptyAxisGivesTheSumIdentity() {
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.zeros(3, 0).sum(1).toArray());
        assertArrayEquals(new float[3], Tensor.zeros(0, 3).sum(0).toArray());
        assertEquals(0f, Tensor.zeros(2, 0, 3).sum().item());
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(3, 0).max(1));
    }

    @Test
    void reductionOfANonContiguousViewUsesTheViewsValues() {
        Tensor x = Tensor.arange(12).reshape(3, 4).transpose(0, 1); // (4, 3)
        assertArrayEquals(new float[] {12, 15, 18, 21}, x.sum(1).toArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, x.max(1).toArray());
    }

    @Test
    void varianceUsesTheGivenCorrection() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 2, 2, 2, 10}, 2, 4);
        // row 0: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5; row 1: mean 4, 4+4+4+36 = 48
        assertArrayEquals(new float[] {5f / 4, 12f}, Reduce.var(x, new int[] {1}, false, 0).toArray(), 1e-6f);
        assertArrayEquals(new float[] {5f / 3, 16f}, Reduce.var(x, new int[] {1}, false, 1).toArray(), 1e-5f);
        assertArrayEquals(new int[] {2, 1}, Reduce.var(x, new int[] {-1}, true, 0).shape());
        float[] v = x.toArray();
        double mean = 0;
        for (float f : v) {
            mean += f / 8.0;
        }
        double ss = 0;
        for (float f : v) {
            ss += (f - mean) * (f - mean);
        }
        assertEquals(ss / 7, Reduce.var(x, null, false, 1).item(), 1e-5);
        assertThrows(ShapeMismatchException.class, () -> Reduce.var(Tensor.zeros(1, 3), new int[] {0}, false, 1));
    }

    @Test
    void maxGradientIsSharedEquallyAmongTies() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2, 2, 2, 0, 5, 1}, 3, 3).requiresGrad(true);
        x.max(1).sum().backward();
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 1f / 3, 1f / 3, 1f / 3, 0, 1, 0}, x.grad().toArray(), 1e-7f);
        Tensor y = Tensor.of(new float[] {4, -1, 4, 4}, 2, 2).requiresGrad(true);
        Reduce.min(y, null, false).backward();
        assertArrayEquals(new float[] {0, 1, 0, 0}, y.grad().toArray());
        Tensor z = Tensor.of(new float[] {4, -1, 4, 4}, 2, 2).requiresGrad(true);
        z.max().mul(6f).backward();
        assertArrayEquals(new float[] {2, 0, 2, 2}, z.grad().toArray(), 1e-6f);
    }

    /**
     * A mean is one backend call ({@code reduceSumScaled}) and one tape node, with the values and gradients of the
     * affine of the sum it replaces, bit for bit, on the CPU and on a second device.
     */
    @Test
    void meanIsTheScaledSumBitForBitForwardAndBackward() {
        int[] shape = {3, 5, 7};
        for (org.transfer4j.tensor.Device d : new org.transfer4j.tensor.Device[] {
            org.transfer4j.tensor.Device.cpu(), org.transfer4j.backend.FakeDevice.create(4).device()}) {
            for (int mask = 1; mask < 8; mask++) {
                int[] axes = axesOf(mask, 3);
                boolean keep = mask % 2 == 1;
                Tensor x = OpCheck.randn(11, shape).to(d).requiresGrad(true);
                Tensor x2 = OpCheck.randn(11, shape).to(d).requiresGrad(true);
                long count = 1;
                for (int a : axes) {
                    count *= shape[a];
                }
                Tensor mean = Reduce.mean(x, axes, keep);
                Tensor composite = Unary.affine(Reduce.sum(x2, axes, keep), 1f / count, 0f);
                String s = d + " axes " + Arrays.toString(axes) + " keep " + keep;
                assertArrayEquals(composite.toArray(), mean.toArray(), 0f, "mean " + s);
                Tensor dy = OpCheck.randn(12, mean.shape()).to(d);
                mean.backward(dy);
                composite.backward(dy);
                assertArrayEquals(x2.grad().toArray(), x.grad().toArray(), 0f, "gradient " + s);
            }
        }
    }

    @Test
    void sumAndMeanGradientsMatchFiniteDifferences() {
        int[][] shapes = {{5}, {3, 4}, {2, 3, 5}};
        for (int[] shape : shapes) {
            Tensor x = OpCheck.randn(5, shape);
            for (int mask = 0; mask < (1 << shape.length); mask++) {
                int[] axes = axesOf(mask, shape.length);
                boolean keep = mask % 2 == 0;
                String s = Arrays.toString(shape) + " axes " + Arrays.toString(axes);
                OpCheck.gradcheck("sum " + s, t -> Reduce.sum(t[0], axes, keep), x);
                OpCheck.gradcheck("mean " + s, t -> Reduce.mean(t[0], axes, !keep), x);
            }
        }
    }

    @Test
    void maxMinAndVarGradientsMatchFiniteDifferences() {
        int[][] shapes = {{6}, {3, 4}, {2, 3, 5}};
        for (int[] shape : shapes) {
            Tensor x = OpCheck.distinct(6, shape);
            for (int mask = 1; mask < (1 << shape.length); mask++) {
                int[] axes = axesOf(mask, shape.length);
                String s = Arrays.toString(shape) + " axes " + Arrays.toString(axes);
                OpCheck.gradcheck("max " + s, t -> Reduce.max(t[0], axes, true), x);
                OpCheck.gradcheck("min " + s, t -> Reduce.min(t[0], axes, false), x);
                OpCheck.gradcheck("var " + s, t -> Reduce.var(t[0], axes, false, 1), x);
            }
        }
    }

    @Test
    void reductionGradientsFlowThroughBroadcastInputs() {
        // sum of a broadcast view: each input element is counted once per copy.
        Tensor b = OpCheck.randn(7, 3, 1);
        OpCheck.gradcheck("mean of broadcast", t -> Reduce.mean(t[0].broadcastTo(2, 3, 4), new int[] {0, 2}, false), b);
        OpCheck.gradcheck("max of broadcast times", t -> t[0].mul(t[1]).max(1), OpCheck.distinct(8, 3, 1).add(1f),
                OpCheck.distinct(9, 1, 4).add(3f));
    }

    // ---- the naive reference ----------------------------------------------------------------------

    private static void checkAgainstNaive(Kind kind, float[] x, int[] shape, int[] axes, boolean keep) {
        Tensor t = Tensor.of(x, shape);
        Tensor y = switch (kind) {
            case SUM -> Reduce.sum(t, axes, keep);
            case MEAN -> Reduce.mean(t, axes, keep);
            case MAX -> Reduce.max(t, axes, keep);
            case MIN -> Reduce.min(t, axes, keep);
        };
        int[] ax = Shape.axes("test", axes, shape.length);
        assertArrayEquals(Shape.reduced(shape, ax, keep), y.shape(), kind + " shape");
        double[] expected = naive(kind, x, shape, ax);
        float[] got = y.toArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * (1 + Math.abs(expected[i])),
                    kind + " of " + Arrays.toString(shape) + " over " + Arrays.toString(ax) + " at " + i);
        }
    }

    /** One output slot per combination of kept indices, filled by visiting every input element. */
    private static double[] naive(Kind kind, float[] x, int[] shape, int[] axes) {
        int[] outShape = Shape.reduced(shape, axes, true);
        int[] outStrides = Shape.contiguousStrides(outShape);
        int outN = (int) Shape.numel(outShape);
        double[] acc = new double[outN];
        Arrays.fill(acc, kind == Kind.MAX ? Double.NEGATIVE_INFINITY : kind == Kind.MIN ? Double.POSITIVE_INFINITY : 0);
        int[] inStrides = Shape.contiguousStrides(shape);
        for (int i = 0; i < x.length; i++) {
            int o = 0;
            for (int d = 0; d < shape.length; d++) {
                int idx = (i / inStrides[d]) % shape[d];
                o += outShape[d] == 1 ? 0 : idx * outStrides[d];
            }
            acc[o] = switch (kind) {
                case SUM, MEAN -> acc[o] + x[i];
                case MAX -> Math.max(acc[o], x[i]);
                case MIN -> Math.min(acc[o], x[i]);
            };
        }
        if (kind == Kind.MEAN) {
            double count = (double) x.length / outN;
            for (int i = 0; i < outN; i++) {
                acc[i] /= count;
            }
        }
        return acc;
    }

    private static int[] axesOf(int mask, int rank) {
        return java.util.stream.IntStream.range(0, rank).filter(a -> (mask & (1 << a)) != 0).toArray();
    }
}
