package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class GatherTest {

    @Test
    void gatherMatchesNaiveIndexingAlongEveryAxis() {
        int[] shape = {3, 4, 5};
        Tensor x = OpCheck.randn(1, shape);
        float[] xv = x.toArray();
        int[] xStrides = Shape.contiguousStrides(shape);
        for (int axis = 0; axis < 3; axis++) {
            int[] idx = {shape[axis] - 1, 0, 1, 0};
            Tensor y = Gather.gather(x, axis, idx);
            int[] outShape = shape.clone();
            outShape[axis] = idx.length;
            assertArrayEquals(outShape, y.shape());
            float[] yv = y.toArray();
            int[] yStrides = Shape.contiguousStrides(outShape);
            for (int i = 0; i < yv.length; i++) {
                int src = 0;
                for (int d = 0; d < 3; d++) {
                    int k = (i / yStrides[d]) % outShape[d];
                    src += (d == axis ? idx[k] : k) * xStrides[d];
                }
                assertEquals(xv[src], yv[i], "axis " + axis + " at " + i);
            }
        }
    }

    @Test
    void gatherOfANonContiguousViewAndWithNegativeAxis() {
        Tensor x = Tensor.arange(6).reshape(2, 3).transpose(0, 1); // [[0,3],[1,4],[2,5]]
        assertArrayEquals(new float[] {2, 5, 0, 3}, Gather.gather(x, 0, new int[] {2, 0}).toArray());
        assertArrayEquals(new float[] {3, 3, 4, 4, 5, 5}, Gather.gather(x, -1, new int[] {1, 1}).toArray());
        assertArrayEquals(new int[] {3, 0}, Gather.gather(x, 1, new int[0]).shape());
    }

    @Test
    void repeatedIndicesAccumulateTheirGradients() {
        Tensor x = Tensor.zeros(4, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {1, 2, 10, 20, 100, 200}, 3, 2);
        Gather.gather(x, 0, new int[] {3, 1, 3}).mul(w).sum().backward();
        assertArrayEquals(new float[] {0, 0, 10, 20, 0, 0, 101, 202}, x.grad().toArray());
    }

    @Test
    void gatherGradientsMatchFiniteDifferences() {
        Tensor x = OpCheck.randn(2, 3, 4, 2);
        OpCheck.gradcheck("gather axis 0", t -> Gather.gather(t[0], 0, new int[] {2, 2, 0}), x);
        OpCheck.gradcheck("gather axis 1, duplicates", t -> Gather.gather(t[0], 1, new int[] {3, 1, 3, 3, 0}), x);
        OpCheck.gradcheck("gather axis -1 of transposed", t -> Gather.gather(t[0].transpose(0, 2), -1, new int[] {1}),
                x);
    }

    @Test
    void gatherNamesTheBadIndexAndItsPosition() {
        Tensor x = Tensor.zeros(2, 5);
        var e = assertThrows(ShapeMismatchException.class, () -> Gather.gather(x, 1, new int[] {0, 4, 5}));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("index 5")
                && e.getMessage().contains("position 2") && e.getMessage().contains("[2, 5]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Gather.gather(x, 0, new int[] {-1}));
        assertThrows(ShapeMismatchException.class, () -> Gather.gather(x, 2, new int[] {0}));
    }

    @Test
    void gatherKeepsTheIndicesOfTheForwardPass() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        int[] idx = {0};
        Tensor y = Gather.gather(x, 0, idx);
        idx[0] = 2; // the caller reuses its array before backward
        y.sum().backward();
        assertArrayEquals(new float[] {1, 0, 0}, x.grad().toArray());
    }

    @Test
    void oneHotPutsAOneAtEachLabel() {
        Tensor t = Gather.oneHot(new int[] {2, 0, 2}, 3);
        assertArrayEquals(new int[] {3, 3}, t.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 1}, t.toArray());
        assertArrayEquals(new int[] {0, 4}, Gather.oneHot(new int[0], 4).shape());
    }

    @Test
    void oneHotNamesTheBadLabelAndItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> Gather.oneHot(new int[] {1, 0, 3, 2}, 3));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("position 2"), e.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> Gather.oneHot(new int[] {-1}, 3));
        assertTrue(neg.getMessage().contains("label -1") && neg.getMessage().contains("position 0"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gather.oneHot(new int[] {0}, 0));
        assertEquals("[0.0, 1.0]", Arrays.toString(Gather.oneHot(new int[] {1}, 2).toArray()));
    }
}
