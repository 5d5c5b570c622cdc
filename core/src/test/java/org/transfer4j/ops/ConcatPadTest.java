package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class ConcatPadTest {

    // ---- concat and split ---------------------------------------------------------------------------

    @Test
    void concatJoinsAlongTheGivenAxis() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 1, 2);
        Tensor c = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 2, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Concat.concat(0, a, b).toArray());
        Tensor y = Concat.concat(-1, a, c);
        assertArrayEquals(new int[] {2, 5}, y.shape());
        assertArrayEquals(new float[] {1, 2, 7, 8, 9, 3, 4, 10, 11, 12}, y.toArray());
    }

    @Test
    void concatOfNonContiguousAndEmptyInputs() {
        Tensor t = Tensor.arange(6).reshape(2, 3).transpose(0, 1); // (3, 2): [[0,3],[1,4],[2,5]]
        Tensor empty = Tensor.zeros(3, 0);
        Tensor y = Concat.concat(1, t, empty, Tensor.ones(3, 1));
        assertArrayEquals(new float[] {0, 3, 1, 1, 4, 1, 2, 5, 1}, y.toArray());
        Tensor single = Concat.concat(0, t);
        assertNotSame(t.storage(), single.storage());
        assertArrayEquals(t.toArray(), single.toArray());
    }

    @Test
    void concatRejectsShapesThatDifferOutsideTheAxis() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> Concat.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("concat") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Concat.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)));
        assertThrows(ShapeMismatchException.class, () -> Concat.concat(2, Tensor.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Concat.concat(0));
    }

    @Test
    void splitUndoesConcat() {
        Tensor x = Tensor.arange(24).reshape(2, 6, 2);
        Tensor[] parts = Concat.split(x, 1, 1, 3, 0, 2);
        assertEquals(4, parts.length);
        assertArrayEquals(new int[] {2, 3, 2}, parts[1].shape());
        assertArrayEquals(new int[] {2, 0, 2}, parts[2].shape());
        assertArrayEquals(new float[] {0, 1, 12, 13}, parts[0].toArray());
        assertArrayEquals(x.toArray(), Concat.concat(1, parts).toArray());
        var e = assertThrows(ShapeMismatchException.class, () -> Concat.split(x, 1, 2, 3));
        assertTrue(e.getMessage().contains("split") && e.getMessage().contains("[2, 6, 2]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Concat.split(x, 1, 7, -1));
    }

    @Test
    void concatGradientsMatchFiniteDifferences() {
        OpCheck.gradcheck("concat axis 0", t -> Concat.concat(0, t[0], t[1], t[2]),
                OpCheck.randn(1, 2, 3), OpCheck.randn(2, 1, 3), OpCheck.randn(3, 4, 3));
        OpCheck.gradcheck("concat axis -1", t -> Concat.concat(-1, t[0], t[1]),
                OpCheck.randn(4, 2, 3, 1), OpCheck.randn(5, 2, 3, 4));
        OpCheck.gradcheck("concat of non-contiguous", t -> Concat.concat(1, t[0].transpose(0, 1), t[1]).mul(t[1].sum()),
                OpCheck.randn(6, 3, 2), OpCheck.randn(7, 2, 5));
        OpCheck.gradcheck("concat of one input twice", t -> Concat.concat(0, t[0], t[0].mul(t[0])),
                OpCheck.randn(8, 3));
    }

    @Test
    void splitGradientsMatchFiniteDifferences() {
        Tensor x = OpCheck.randn(9, 3, 5);
        OpCheck.gradcheck("split", t -> {
            Tensor[] p = Concat.split(t[0], 1, 2, 3);
            return p[0].sum(1).mul(p[1].max(1));
        }, x);
        OpCheck.gradcheck("split, one part unused", t -> Concat.split(t[0], 0, 1, 2)[1].exp(), x);
    }

    // ---- pad ----------------------------------------------------------------------------------------

    @Test
    void padSurroundsTheValuesWithTheConstant() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor y = Pad.pad(x, new int[][] {{1, 0}, {0, 2}}, -1f);
        assertArrayEquals(new int[] {3, 4}, y.shape());
        assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}, y.toArray());
        assertArrayEquals(x.toArray(), Pad.pad(x, new int[][] {{0, 0}, {0, 0}}, 5f).toArray());
    }

    @Test
    void zeroPadding2dPadsOnlyHeightAndWidth() {
        // Keras ZeroPadding2D(((1, 0), (1, 2))) on x (N=1, H=2, W=2, C=2)
        Tensor x = Tensor.arange(1, 9, 1).reshape(1, 2, 2, 2);
        Tensor y = Pad.pad(x, new int[][] {{0, 0}, {1, 0}, {1, 2}, {0, 0}}, 0f);
        assertArrayEquals(new int[] {1, 3, 5, 2}, y.shape());
        float[] v = y.toArray();
        for (int h = 0; h < 3; h++) {
            for (int w = 0; w < 5; w++) {
                for (int c = 0; c < 2; c++) {
                    boolean inside = h >= 1 && w >= 1 && w < 3;
                    float expected = inside ? 1 + ((h - 1) * 2 + (w - 1)) * 2 + c : 0;
                    assertEquals(expected, v[(h * 5 + w) * 2 + c], "h=" + h + " w=" + w + " c=" + c);
                }
            }
        }
    }

    @Test
    void padRejectsBadPadding() {
        Tensor x = Tensor.zeros(2, 3);
        var e = assertThrows(ShapeMismatchException.class, () -> Pad.pad(x, new int[][] {{1, 1}}, 0f));
        assertTrue(e.getMessage().contains("pad") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Pad.pad(x, new int[][] {{1, 1}, {-1, 0}}, 0f));
        assertThrows(ShapeMismatchException.class, () -> Pad.pad(x, new int[][] {{1, 1}, {1}}, 0f));
    }

    @Test
    void padGradientsMatchFiniteDifferences() {
        OpCheck.gradcheck("pad 1-D", t -> Pad.pad(t[0], new int[][] {{2, 1}}, 3f), OpCheck.randn(1, 4));
        OpCheck.gradcheck("pad NHWC", t -> Pad.pad(t[0], new int[][] {{0, 0}, {1, 1}, {0, 2}, {0, 0}}, 0f),
                OpCheck.randn(2, 2, 3, 2, 3));
        OpCheck.gradcheck("pad of permuted", t -> Pad.pad(t[0].permute(1, 0), new int[][] {{1, 0}, {0, 1}}, 0f).exp(),
                OpCheck.randn(3, 3, 2));
    }
}
