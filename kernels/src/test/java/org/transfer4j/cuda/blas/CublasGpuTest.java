package org.transfer4j.cuda.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.cuda.ffm.CudaRuntimeForTests;

/**
 * cuBLAS on a real GPU against a plain Java row-major matmul (run with {@code mvn -Pgpu test}).
 * Tolerances: fp32 1e-4 relative to {@code max(1, sum |a_il * b_lj|)}; TF32 rounds inputs to a
 * 10-bit mantissa (relative error up to 2^-11 per input), so 5e-3 of the same scale.
 */
@GpuTest
class CublasGpuTest {

    private static final long STREAM = 0;   // the legacy default stream

    @Test
    void sgemmMatchesRowMajorMatmulForEveryTransposePair() {
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cublas cublas = Cublas.load()) {
            SplittableRandom random = new SplittableRandom(1);
            int m = 37, n = 29, k = 53;
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    float[] a = randoms(random, m * k), b = randoms(random, k * n);
                    GemmPlan plan = GemmPlan.rowMajor(transA, transB, m, n, k);
                    long dc = rt.zeros(m * n);
                    cublas.sgemm(STREAM, plan, 1f, rt.upload(a), rt.upload(b), 0f, dc);
                    assertClose(GemmPlanTest.rowMajorMatmul(transA, transB, m, n, k, a, b),
                            scale(transA, transB, m, n, k, a, b), rt.download(dc, m * n), 1e-4, "transA=" + transA + " transB=" + transB);
                }
            }
        }
    }

    @Test
    void tf32SgemmIsCloseWithinTheLooserTolerance() {
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cublas cublas = Cublas.load()) {
            cublas.setTf32(STREAM, true);
            SplittableRandom random = new SplittableRandom(2);
            int m = 64, n = 48, k = 256;
            float[] a = randoms(random, m * k), b = randoms(random, k * n);
            long dc = rt.zeros(m * n);
            cublas.sgemm(STREAM, GemmPlan.rowMajor(false, false, m, n, k), 1f, rt.upload(a), rt.upload(b), 0f, dc);
            assertClose(GemmPlanTest.rowMajorMatmul(false, false, m, n, k, a, b), scale(false, false, m, n, k, a, b),
                    rt.download(dc, m * n), 5e-3, "TF32");
        }
    }

    @Test
    void stridedBatchedComputesEachBatchAndBroadcastsAStrideZeroOperand() {
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cublas cublas = Cublas.load()) {
            SplittableRandom random = new SplittableRandom(3);
            int batch = 3, m = 5, n = 7, k = 4;
            GemmPlan plan = GemmPlan.rowMajor(false, true, m, n, k);
            float[] a = randoms(random, batch * m * k), b = randoms(random, n * k);   // one B shared by every batch
            long dc = rt.zeros(batch * m * n);
            cublas.sgemmStridedBatched(STREAM, plan, batch, 1f, rt.upload(a), plan.sizeA(), rt.upload(b), 0, 0f, dc, plan.sizeC());
            float[] c = rt.download(dc, batch * m * n);
            for (int i = 0; i < batch; i++) {
                float[] ai = java.util.Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
                float[] got = java.util.Arrays.copyOfRange(c, i * m * n, (i + 1) * m * n);
                assertClose(GemmPlanTest.rowMajorMatmul(false, true, m, n, k, ai, b), scale(false, true, m, n, k, ai, b), got, 1e-4, "batch " + i);
            }
        }
    }

    @Test
    void gemmExWithFp32TypesAndBetaAccumulates() {
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cublas cublas = Cublas.load()) {
            SplittableRandom random = new SplittableRandom(4);
            int m = 8, n = 6, k = 10;
            float[] a = randoms(random, m * k), b = randoms(random, k * n), c0 = randoms(random, m * n);
            long dc = rt.upload(c0);
            cublas.gemmEx(STREAM, GemmPlan.rowMajor(false, false, m, n, k), 2f, rt.upload(a), Cublas.CUDA_R_32F, rt.upload(b),
                    Cublas.CUDA_R_32F, 0.5f, dc, Cublas.CUDA_R_32F, Cublas.CUBLAS_COMPUTE_32F);
            float[] expected = GemmPlanTest.rowMajorMatmul(false, false, m, n, k, a, b);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = 2f * expected[i] + 0.5f * c0[i];   // C = alpha*AB + beta*C
            }
            float[] s = scale(false, false, m, n, k, a, b);
            for (int i = 0; i < s.length; i++) {
                s[i] = 2 * s[i] + 1;
            }
            assertClose(expected, s, rt.download(dc, m * n), 1e-4, "GemmEx");
        }
    }

    @Test
    void invalidArgumentsBecomeATypedExceptionNamingStatusAndCall() {
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cublas cublas = Cublas.load()) {
            // ld of B (cuBLAS's first operand) below its rows: CUBLAS_STATUS_INVALID_VALUE
            GemmPlan bad = new GemmPlan(0, 0, 4, 4, 4, 1, 4, 4);
            long d = rt.zeros(16);
            CublasException e = assertThrows(CublasException.class, () -> cublas.sgemm(STREAM, bad, 1f, d, d, 0f, d));
            assertTrue(e.getMessage().contains("CUBLAS_STATUS_INVALID_VALUE") && e.getMessage().contains("cublasSgemm_v2"), e.getMessage());
        }
    }

    /** sum_l |op(A)(i,l) * op(B)(l,j)| per element: the scale rounding errors are relative to. */
    private static float[] scale(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b) {
        float[] absA = new float[a.length], absB = new float[b.length];
        for (int i = 0; i < a.length; i++) {
            absA[i] = Math.abs(a[i]);
        }
        for (int i = 0; i < b.length; i++) {
            absB[i] = Math.abs(b[i]);
        }
        return GemmPlanTest.rowMajorMatmul(transA, transB, m, n, k, absA, absB);
    }

    static void assertClose(float[] expected, float[] scale, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = relative * Math.max(1.0, scale[i]);
            assertEquals(expected[i], actual[i], tol, what + " at " + i);
        }
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
