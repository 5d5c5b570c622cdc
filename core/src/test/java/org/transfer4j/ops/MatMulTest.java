package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * {@code matmul} against a plain loop (forward) and finite differences (backward), for every rank
 * combination NumPy defines, broadcast batches and transposed views.
 */
class MatMulTest {
    /** Forward tolerance: a float sum of at most 8 products of values below ~4 in size. */
    private static final float FORWARD_TOLERANCE = 1e-5f;

    @Test
    void vectorDotVectorIsAScalar() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new float[] {4, -5, 6}, 3);
        Tensor y = a.matmul(b);
        assertArrayEquals(new int[0], y.shape());
        assertEquals(1 * 4 - 2 * 5 + 3 * 6, y.item(), 0f);
        OpCheck.gradcheck("matmul (3)@(3)", x -> x[0].matmul(x[1]), OpCheck.randn(1, 5), OpCheck.randn(2, 5));
    }

    @Test
    void vectorTimesMatrixDropsTheRowAxis() {
        checkAgainstLoop(new int[] {4}, new int[] {4, 3}, new int[] {3});
        checkAgainstLoop(new int[] {4}, new int[] {2, 4, 3}, new int[] {2, 3});
        OpCheck.gradcheck("matmul (4)@(4,3)", x -> x[0].matmul(x[1]), OpCheck.randn(1, 4), OpCheck.randn(2, 4, 3));
    }

    @Test
    void matrixTimesVectorDropsTheColumnAxis() {
        checkAgainstLoop(new int[] {3, 4}, new int[] {4}, new int[] {3});
        checkAgainstLoop(new int[] {2, 3, 4}, new int[] {4}, new int[] {2, 3});
        OpCheck.gradcheck("matmul (3,4)@(4)", x -> x[0].matmul(x[1]), OpCheck.randn(1, 3, 4), OpCheck.randn(2, 4));
    }

    @Test
    void matrixTimesMatrixMatchesLoopAndFiniteDifferences() {
        checkAgainstLoop(new int[] {3, 4}, new int[] {4, 5}, new int[] {3, 5});
        checkAgainstLoop(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
        OpCheck.gradcheck("matmul (3,4)@(4,5)", x -> x[0].matmul(x[1]), OpCheck.randn(1, 3, 4), OpCheck.randn(2, 4, 5));
    }

    @Test
    void batchedMatmulMultipliesEachPair() {
        checkAgainstLoop(new int[] {2, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5});
        OpCheck.gradcheck("matmul (2,3,4)@(2,4,5)", x -> x[0].matmul(x[1]),
                OpCheck.randn(1, 2, 3, 4), OpCheck.randn(2, 2, 4, 5));
    }

    @Test
    void batchAxesBroadcast() {
        checkAgainstLoop(new int[] {2, 1, 3, 4}, new int[] {5, 4, 2}, new int[] {2, 5, 3, 2});
        checkAgainstLoop(new int[] {3, 4}, new int[] {3, 4, 2}, new int[] {3, 3, 2});
        checkAgainstLoop(new int[] {2, 3, 3, 4}, new int[] {4, 2}, new int[] {2, 3, 3, 2});
        OpCheck.gradcheck("matmul (2,1,3,4)@(5,4,2)", x -> x[0].matmul(x[1]),
                OpCheck.randn(1, 2, 1, 3, 4), OpCheck.randn(2, 5, 4, 2));
        OpCheck.gradcheck("matmul (3,4)@(3,4,2)", x -> x[0].matmul(x[1]), OpCheck.randn(3, 3, 4), OpCheck.randn(4, 3, 4, 2));
    }

    @Test
    void transposedViewsGiveTheSameProductAsCopies() {
        Tensor at = OpCheck.randn(1, 2, 4, 3); // stored (B, K, M)
        Tensor bt = OpCheck.randn(2, 2, 5, 4); // stored (B, N, K)
        Tensor a = at.transpose(-1, -2);
        Tensor b = bt.transpose(-1, -2);
        assertArrayEquals(loop(a.contiguous(), b.contiguous()), a.matmul(b).toArray(), FORWARD_TOLERANCE);
        assertArrayEquals(loop(a.contiguous(), b.contiguous()), a.matmul(b.contiguous()).toArray(), FORWARD_TOLERANCE);
        assertArrayEquals(loop(a.contiguous(), b.contiguous()), a.contiguous().matmul(b).toArray(), FORWARD_TOLERANCE);
        OpCheck.gradcheck("matmul a^T @ b^T", x -> x[0].transpose(-1, -2).matmul(x[1].transpose(-1, -2)), at, bt);
        OpCheck.gradcheck("matmul a^T @ b", x -> x[0].transpose(-1, -2).matmul(x[1]), at, OpCheck.randn(3, 2, 4, 5));
        OpCheck.gradcheck("matmul a @ b^T (2-D)", x -> x[0].matmul(x[1].transpose(-1, -2)),
                OpCheck.randn(4, 3, 4), OpCheck.randn(5, 5, 4));
    }

    @Test
    void gradientOfAMatrixUsedTwiceAccumulates() {
        OpCheck.gradcheck("matmul x @ x", x -> x[0].matmul(x[0]), OpCheck.randn(6, 3, 3));
    }

    @Test
    void mismatchedInnerDimensionsNameBothShapes() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertMessageNames(e, "[2, 3]", "[4, 5]");
        var v = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4)));
        assertMessageNames(v, "[3]", "[4]");
    }

    @Test
    void batchAxesThatDoNotBroadcastNameBothShapes() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
        assertMessageNames(e, "[2, 3, 4]", "[3, 4, 5]");
    }

    @Test
    void scalarsAreRejected() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.scalar(2f).matmul(Tensor.zeros(3)));
        assertMessageNames(e, "[]", "[3]");
    }

    private static void assertMessageNames(ShapeMismatchException e, String shapeA, String shapeB) {
        String m = e.getMessage();
        assertTrue(m.startsWith("matmul") && m.contains(shapeA) && m.contains(shapeB), m);
    }

    /** Checks the shape and values of {@code randn(aShape) @ randn(bShape)} against {@link #loop}. */
    private static void checkAgainstLoop(int[] aShape, int[] bShape, int[] expectedShape) {
        Tensor a = OpCheck.randn(11, aShape);
        Tensor b = OpCheck.randn(12, bShape);
        Tensor y = a.matmul(b);
        String what = Arrays.toString(aShape) + " @ " + Arrays.toString(bShape);
        assertArrayEquals(expectedShape, y.shape(), what);
        assertArrayEquals(loop(a, b), y.toArray(), FORWARD_TOLERANCE, what);
    }

    /**
     * The product written out with NumPy's rules, independently of the op: 1-D operands promoted,
     * batch axes broadcast by index arithmetic, one dot product per output element.
     */
    private static float[] loop(Tensor a, Tensor b) {
        int[] as = a.rank() == 1 ? new int[] {1, a.shape(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.shape(0), 1} : b.shape();
        float[] av = a.toArray();
        float[] bv = b.toArray();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int rank = Math.max(as.length, bs.length) - 2;
        int[] batch = new int[rank];
        for (int i = 0; i < rank; i++) {
            batch[i] = Math.max(dim(as, i, rank), dim(bs, i, rank));
        }
        int batchCount = Arrays.stream(batch).reduce(1, (x, y) -> x * y);
        float[] out = new float[batchCount * m * n];
        for (int t = 0; t < batchCount; t++) {
            int aBatch = 0;
            int bBatch = 0;
            for (int i = 0, rest = t, stride = batchCount; i < rank; i++) {
                stride /= batch[i];
                int index = rest / stride;
                rest %= stride;
                aBatch = aBatch * dim(as, i, rank) + (dim(as, i, rank) == 1 ? 0 : index);
                bBatch = bBatch * dim(bs, i, rank) + (dim(bs, i, rank) == 1 ? 0 : index);
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += av[aBatch * m * k + i * k + p] * bv[bBatch * k * n + p * n + j];
                    }
                    out[(t * m + i) * n + j] = (float) s;
                }
            }
        }
        return out;
    }

    /** Batch axis {@code i} of a shape right-aligned to {@code rank} batch axes (1 where absent). */
    private static int dim(int[] shape, int i, int rank) {
        int lead = rank - (shape.length - 2);
        return i < lead ? 1 : shape[i - lead];
    }
}
