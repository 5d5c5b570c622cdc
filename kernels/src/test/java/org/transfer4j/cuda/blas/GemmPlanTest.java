package org.transfer4j.cuda.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row-major to column-major mapping of {@link GemmPlan}, checked on the CPU: the plan's arguments
 * are fed to a column-major SGEMM written from the BLAS definition, and the result must equal a plain
 * row-major matmul.
 */
class GemmPlanTest {

    /**
     * Reference SGEMM, BLAS definition (column-major): C := alpha*op(A)*op(B) + beta*C with op(A) m x k,
     * op(B) k x n, C m x n; element (i,j) of a column-major X with leading dimension ld is X[i + j*ld];
     * op(A)(i,l) = A(i,l) for N, A(l,i) for T.
     */
    static void referenceSgemm(int transa, int transb, int m, int n, int k, float alpha, float[] a, int lda,
                               float[] b, int ldb, float beta, float[] c, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int l = 0; l < k; l++) {
                    float aij = transa == GemmPlan.CUBLAS_OP_N ? a[i + l * lda] : a[l + i * lda];
                    float bij = transb == GemmPlan.CUBLAS_OP_N ? b[l + j * ldb] : b[j + l * ldb];
                    sum += (double) aij * bij;
                }
                c[i + j * ldc] = (float) (alpha * sum + beta * c[i + j * ldc]);
            }
        }
    }

    /** Row-major C (M,N) = op(A) op(B), A stored (M,K) or (K,M) when transA, B stored (K,N) or (N,K). */
    static float[] rowMajorMatmul(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int l = 0; l < k; l++) {
                    float av = transA ? a[l * m + i] : a[i * k + l];
                    float bv = transB ? b[j * k + l] : b[l * n + j];
                    sum += (double) av * bv;
                }
                c[i * n + j] = (float) sum;
            }
        }
        return c;
    }

    @Test
    void planArgumentsInAColumnMajorSgemmGiveTheRowMajorProduct() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] shapes = {{3, 5, 4}, {1, 7, 2}, {6, 1, 3}, {4, 4, 1}, {5, 2, 9}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    float[] a = randoms(random, m * k);
                    float[] b = randoms(random, k * n);
                    GemmPlan plan = GemmPlan.rowMajor(transA, transB, m, n, k);
                    float[] c = new float[m * n];
                    referenceSgemm(plan.opFirst(), plan.opSecond(), plan.m(), plan.n(), plan.k(), 1f,
                            b, plan.ldFirst(), a, plan.ldSecond(), 0f, c, plan.ldc());
                    float[] expected = rowMajorMatmul(transA, transB, m, n, k, a, b);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(expected[i], c[i], 1e-5f * Math.max(1f, Math.abs(expected[i])),
                                "M=" + m + " N=" + n + " K=" + k + " transA=" + transA + " transB=" + transB + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void alphaAndBetaFollowTheBlasDefinition() {
        // A (1,2) = [1 2], B (2,1) = [3 4]^T: A B = 1*3 + 2*4 = 11; C = 2*11 + 0.5*10 = 27
        GemmPlan plan = GemmPlan.rowMajor(false, false, 1, 1, 2);
        float[] c = {10f};
        referenceSgemm(plan.opFirst(), plan.opSecond(), plan.m(), plan.n(), plan.k(), 2f,
                new float[] {3, 4}, plan.ldFirst(), new float[] {1, 2}, plan.ldSecond(), 0.5f, c, plan.ldc());
        assertEquals(27f, c[0]);
    }

    @Test
    void planSwapsOperandsAndDerivesLeadingDimensions() {
        // M=2, N=3, K=4, no transposes: cuBLAS m=N=3, n=M=2, lda(B)=N=3, ldb(A)=K=4, ldc=N=3
        assertEquals(new GemmPlan(0, 0, 3, 2, 4, 3, 4, 3), GemmPlan.rowMajor(false, false, 2, 3, 4));
        // transA (A stored (K,M)=(4,2)): its row length is M=2; transB (B stored (N,K)=(3,4)): row length K=4
        assertEquals(new GemmPlan(1, 1, 3, 2, 4, 4, 2, 3), GemmPlan.rowMajor(true, true, 2, 3, 4));
        GemmPlan p = GemmPlan.rowMajor(false, true, 2, 3, 4);
        assertEquals(2, p.rowsM());
        assertEquals(3, p.colsN());
        assertEquals(8, p.sizeA());
        assertEquals(12, p.sizeB());
        assertEquals(6, p.sizeC());
    }

    @Test
    void dimensionsBelowOneAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.rowMajor(false, false, 0, 3, 4));
        assertEquals("GEMM dimensions must be at least 1, got M=0, N=3, K=4", e.getMessage());
    }

    @Test
    void statusNamesComeFromTheTable() {
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", CublasStatus.nameOf(7));
        assertEquals("cublasStatus_t(99)", CublasStatus.nameOf(99));
        CublasException e = new CublasException(13, "cublasSgemm_v2(m=3)");
        assertEquals("cublasSgemm_v2(m=3) failed with CUBLAS_STATUS_EXECUTION_FAILED (13): the GPU program failed to execute", e.getMessage());
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
