package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class ViewsTest {
    private static final int[][] SHAPES = {{5}, {3, 4}, {2, 3, 5}, {1, 3, 1, 2}};

    @Test
    void reshapeInfersTheMinusOneDimension() {
        Tensor x = Tensor.arange(24);
        assertArrayEquals(new int[] {2, 3, 4}, x.reshape(2, -1, 4).shape());
        assertArrayEquals(new int[] {24}, x.reshape(2, 3, 4).reshape(-1).shape());
        assertArrayEquals(x.toArray(), x.reshape(4, -1).toArray());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 3).reshape(0, 3).shape());
    }

    @Test
    void reshapeRejectsBadShapes() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrows(ShapeMismatchException.class, () -> x.reshape(-1, -1));
        assertThrows(ShapeMismatchException.class, () -> x.reshape(4, -1));
        assertThrows(ShapeMismatchException.class, () -> x.reshape(-2, 3));
        // 0 elements: the -1 could be anything, so it must not be silently kept as -1.
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(0, 3).reshape(0, -1));
    }

    @Test
    void reshapeOfANonContiguousTensorFollowsTheViewsOrder() {
        Tensor x = Tensor.arange(6).reshape(2, 3).transpose(0, 1); // [[0,3],[1,4],[2,5]]
        assertFalse(x.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, x.reshape(6).toArray());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, x.reshape(2, -1).toArray());
    }

    @Test
    void permuteAndTransposeMoveAxes() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = x.permute(1, 2, 0);
        assertArrayEquals(new int[] {3, 4, 2}, p.shape());
        assertEquals(x.slice(0, 1, 2).slice(1, 2, 3).slice(2, 3, 4).item(),
                p.slice(0, 2, 3).slice(1, 3, 4).slice(2, 1, 2).item());
        Tensor t = x.transpose(0, -1);
        assertArrayEquals(new int[] {4, 3, 2}, t.shape());
        float[] v = t.toArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(k * 12 + j * 4 + i, v[(i * 3 + j) * 2 + k]);
                }
            }
        }
        assertSame(x.storage(), t.storage());
        assertThrows(ShapeMismatchException.class, () -> x.permute(0, 0, 1));
    }

    @Test
    void sliceSupportsStepsAndNegativeIndices() {
        Tensor x = Tensor.arange(10);
        assertArrayEquals(new float[] {2, 5, 8}, x.slice(0, 2, 10, 3).toArray());
        assertArrayEquals(new float[] {7, 8}, x.slice(0, -3, -1).toArray());
        assertArrayEquals(new float[] {6, 8}, x.slice(0, -4, 100, 2).toArray());
        assertEquals(0, x.slice(0, 10, 10).numel());
        Tensor m = Tensor.arange(12).reshape(3, 4);
        assertArrayEquals(new float[] {1, 3, 9, 11}, m.slice(0, 0, 3, 2).slice(-1, 1, 4, 2).toArray());
        assertThrows(ShapeMismatchException.class, () -> x.slice(0, 5, 3));
        assertThrows(ShapeMismatchException.class, () -> x.slice(0, 0, 5, 0));
        assertThrows(ShapeMismatchException.class, () -> x.slice(0, -11, 5));
        assertThrows(ShapeMismatchException.class, () -> x.slice(1, 0, 1));
    }

    @Test
    void squeezeAndUnsqueezeAreViewsEvenOfNonContiguousTensors() {
        Tensor x = Tensor.arange(6).reshape(2, 3).transpose(0, 1); // (3, 2), not contiguous
        Tensor u = x.unsqueeze(1);
        assertArrayEquals(new int[] {3, 1, 2}, u.shape());
        assertSame(x.storage(), u.storage());
        assertArrayEquals(x.toArray(), u.toArray());
        Tensor s = u.squeeze(-2);
        assertArrayEquals(new int[] {3, 2}, s.shape());
        assertSame(x.storage(), s.storage());
        assertArrayEquals(new int[] {3, 2, 1}, x.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {1, 3, 2}, x.unsqueeze(0).shape());
        assertThrows(ShapeMismatchException.class, () -> x.squeeze(0));
    }

    @Test
    void broadcastToRepeatsSizeOneAxesWithoutCopying() {
        Tensor b = Tensor.of(new float[] {1, 2, 3}, 3, 1).broadcastTo(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, b.shape());
        assertArrayEquals(new int[] {0, 1, 0}, b.strides());
        float[] v = b.toArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(1 + (i / 4) % 3, v[i]);
        }
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(3, 2).broadcastTo(3, 4));
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertSame(x, x.contiguous());
        Tensor t = x.transpose(0, 1);
        Tensor c = t.contiguous();
        assertTrue(c.isContiguous());
        assertNotSame(t.storage(), c.storage());
        assertArrayEquals(t.toArray(), c.toArray());
        Tensor copy = x.copy();
        assertNotSame(x.storage(), copy.storage());
        assertArrayEquals(x.toArray(), copy.toArray());
    }

    @Test
    void viewGradientsMatchFiniteDifferences() {
        for (int[] shape : SHAPES) {
            Tensor x = OpCheck.randn(11, shape);
            String s = Arrays.toString(shape);
            int r = shape.length;
            OpCheck.gradcheck("reshape " + s, t -> t[0].reshape(-1), x);
            OpCheck.gradcheck("transpose " + s, t -> t[0].transpose(0, -1), x);
            OpCheck.gradcheck("permute " + s, t -> t[0].permute(reversed(r)), x);
            OpCheck.gradcheck("slice " + s, t -> t[0].slice(-1, -2, 100), x);
            OpCheck.gradcheck("step slice " + s, t -> t[0].slice(0, 0, shape[0], 2), x);
            OpCheck.gradcheck("unsqueeze " + s, t -> t[0].unsqueeze(1), x);
            OpCheck.gradcheck("broadcastTo " + s, t -> t[0].unsqueeze(0).broadcastTo(prepend(3, shape)), x);
            OpCheck.gradcheck("copy " + s, t -> t[0].copy(), x);
        }
    }

    @Test
    void gradientsFlowThroughChainsOfViewsOfNonContiguousTensors() {
        Tensor x = OpCheck.randn(12, 4, 3, 5);
        // permute -> strided slice -> reshape (copies: not contiguous) -> squeeze/unsqueeze -> broadcast, times weights
        OpCheck.gradcheck("view chain", t -> t[0].permute(2, 0, 1).slice(0, 1, 5, 2).reshape(2, -1).unsqueeze(0)
                .squeeze(0).unsqueeze(1).broadcastTo(2, 3, 12).mul(t[1]), x, OpCheck.randn(13, 3, 1));
        OpCheck.gradcheck("squeeze of transposed", t -> t[0].slice(1, 1, 2).transpose(0, 2).squeeze(1).mul(t[0].sum()),
                x);
    }

    @Test
    void sliceBackwardPutsTheGradientInItsWindow() {
        Tensor x = Tensor.zeros(2, 5).requiresGrad(true);
        x.slice(1, 1, 5, 2).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0, 1, 0, 1, 0}, x.grad().toArray());
    }

    private static int[] reversed(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = rank - 1 - i;
        }
        return a;
    }

    private static int[] prepend(int d, int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = d;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
