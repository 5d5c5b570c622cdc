package org.transfer4j.backend.cpu;

import org.transfer4j.tensor.Tensor;

/**
 * Single-precision GEMM on the CPU: {@code C = alpha * op(A) * op(B) + beta * C}, row-major, with BLAS
 * leading dimensions. This is the plain reference loop; {@code CpuGemmTest} checks every faster
 * variant against it.
 */
public final class CpuGemm {
    private CpuGemm() {
    }

    /** The batched primitive behind {@link org.transfer4j.backend.Backend#gemm}. */
    static Tensor batched(Tensor a, Tensor b, boolean transA, boolean transB) {
        CpuBackend.requireContiguous("gemm", a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = transA ? as[2] : as[1];
        int k = transA ? as[1] : as[2];
        int n = transB ? bs[1] : bs[2];
        int batch = Math.max(as[0], bs[0]);
        Tensor c = CpuBackend.newTensor(batch, m, n);
        float[] ad = CpuBackend.data(a);
        float[] bd = CpuBackend.data(b);
        float[] cd = CpuBackend.data(c);
        for (int i = 0; i < batch; i++) {
            int ao = a.offset() + (as[0] == 1 ? 0 : i * m * k);
            int bo = b.offset() + (bs[0] == 1 ? 0 : i * k * n);
            sgemm(transA, transB, m, n, k, 1f, ad, ao, transA ? m : k, bd, bo, transB ? k : n, 0f, cd, i * m * n, n);
        }
        return c;
    }

    /** {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}, row-major. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        reference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The textbook triple loop (i, p, j order), for tests. */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        CpuParallel.forRange(m, Math.max(1, 65536 / Math.max(1, n * k)), (from, to) -> {
            float[] row = new float[n];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[bOff + j * ldb + p];
                        }
                    } else {
                        int bo = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[bo + j];
                        }
                    }
                }
                int co = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[co + j] = alpha * row[j] + (beta == 0f ? 0f : beta * c[co + j]);
                }
            }
        });
    }
}
