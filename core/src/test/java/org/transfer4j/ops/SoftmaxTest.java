package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

class SoftmaxTest {
    private static final int[][] SHAPES = {{5}, {3, 4}, {2, 3, 5}, {4, 1}, {1, 6}};

    @Test
    void softmaxMatchesADoublePrecisionReferenceAlongEveryAxis() {
        for (int[] shape : SHAPES) {
            Tensor x = OpCheck.randn(21, shape).mul(3f);
            for (int axis = -shape.length; axis < shape.length; axis++) {
                double[] expected = naiveSoftmax(x.toArray(), shape, Shape.axis("test", axis, shape.length));
                float[] p = x.softmax(axis).toArray();
                float[] lp = x.logSoftmax(axis).toArray();
                for (int i = 0; i < p.length; i++) {
                    String where = Arrays.toString(shape) + " axis " + axis + " at " + i;
                    assertEquals(expected[i], p[i], 1e-6, where);
                    assertEquals(Math.log(expected[i]), lp[i], 1e-5, where);
                }
            }
        }
    }

    @Test
    void softmaxSumsToOneAlongItsAxis() {
        Tensor x = OpCheck.randn(22, 4, 7).mul(5f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, x.softmax(-1).sum(1).toArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1}, x.softmax(0).sum(0).toArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1}, x.logSoftmax(0).exp().sum(0).toArray(), 1e-6f);
    }

    @Test
    void hugeLogitsGiveNoNaN() {
        Tensor x = Tensor.of(new float[] {1e4f, 0f, -1e4f, 1e4f, 1e4f, 1e4f}, 2, 3).requiresGrad(true);
        Tensor p = x.softmax(-1);
        Tensor lp = x.logSoftmax(-1);
        assertArrayEquals(new float[] {1, 0, 0, 1f / 3, 1f / 3, 1f / 3}, p.toArray(), 1e-7f);
        assertArrayEquals(new float[] {0, -1e4f, -2e4f}, Arrays.copyOf(lp.toArray(), 3));
        p.mul(Tensor.of(new float[] {1, 2, 3}, 3)).sum().add(lp.sum()).backward();
        for (float g : x.grad().toArray()) {
            assertTrue(Float.isFinite(g), Arrays.toString(x.grad().toArray()));
        }
        float[] big = Tensor.of(new float[] {-1e4f, -1e4f - 1}, 2).softmax(0).toArray();
        assertEquals(1 / (1 + Math.exp(-1)), big[0], 1e-6);
    }

    @Test
    void softmaxIsInvariantToAShift() {
        Tensor x = OpCheck.randn(23, 3, 5);
        assertArrayEquals(x.softmax(1).toArray(), x.add(100f).softmax(1).toArray(), 1e-5f);
    }

    @Test
    void softmaxGradientsMatchFiniteDifferences() {
        for (int[] shape : SHAPES) {
            Tensor x = OpCheck.randn(24, shape);
            String s = Arrays.toString(shape);
            OpCheck.gradcheck("softmax -1 " + s, t -> t[0].softmax(-1), x);
            OpCheck.gradcheck("softmax 0 " + s, t -> t[0].softmax(0), x);
            OpCheck.gradcheck("logSoftmax -1 " + s, t -> t[0].logSoftmax(-1), x);
            OpCheck.gradcheck("logSoftmax 0 " + s, t -> t[0].logSoftmax(0), x);
        }
        // of a broadcast, non-contiguous input
        OpCheck.gradcheck("softmax of transposed broadcast", t -> t[0].add(t[1]).transpose(0, 1).softmax(1),
                OpCheck.randn(25, 3, 1), OpCheck.randn(26, 4));
    }

    private static double[] naiveSoftmax(float[] x, int[] shape, int axis) {
        int[] strides = Shape.contiguousStrides(shape);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int start = i - ((i / strides[axis]) % shape[axis]) * strides[axis]; // index 0 along the axis
            double sum = 0;
            for (int k = 0; k < shape[axis]; k++) {
                sum += Math.exp(x[start + k * strides[axis]]);
            }
            out[i] = Math.exp(x[i]) / sum;
        }
        return out;
    }
}
