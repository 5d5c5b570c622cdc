package org.transfer4j.backend.cpu;

import static org.transfer4j.backend.cpu.CpuGemmKernel.F;
import static org.transfer4j.backend.cpu.CpuGemmKernel.L;

import jdk.incubator.vector.FloatVector;
import org.transfer4j.tensor.Tensor;

/**
 * Single-precision GEMM on the CPU: {@code C = alpha * op(A) * op(B) + beta * C}, row-major, with BLAS
 * leading dimensions. Three versions, as in llm.c:
 * <ol>
 *   <li>{@link #reference}: the textbook triple loop, what {@code CpuGemmTest} checks the others against;</li>
 *   <li>{@link #simple}: a vectorised loop without packing or threads, for small problems where the
 *       blocked version's set-up (packing, tasks) would cost more than the arithmetic;</li>
 *   <li>{@link CpuGemmBlocked}: packed, cache-blocked and multithreaded, with the Vector API
 *       micro-kernel {@link CpuGemmKernel}, for everything else.</li>
 * </ol>
 * BLAS semantics: with {@code beta = 0} C is only written (NaN already in C does not leak), and with
 * {@code alpha = 0} or {@code k = 0} A and B are not read.
 */
public final class CpuGemm {
    /** Up to this many multiply-adds (m*n*k) the simple loop beats packing (measured: 4^3 yes, 8^3 no). */
    private static final long SIMPLE_WORK = 1L << 8;
    /**
     * Up to this many rows (or columns of a transposed B) the simple loop wins too: a 14-row register
     * tile would be mostly padding, while the loop streams B once (measured at k = n = 512).
     */
    private static final int FEW = 4;
    /**
     * Below this many multiply-adds (~100 us on one core) a product stays on the calling thread:
     * waking a pool worker and joining it costs tens of microseconds on this machine.
     */
    private static final long PARALLEL_WORK = 1L << 23;

    private CpuGemm() {
    }

    /**
     * The batched primitive behind {@link org.transfer4j.backend.Backend#gemm}: {@code a (B,M,K)}
     * (stored {@code (B,K,M)} if transA), {@code b (B,K,N)} (stored {@code (B,N,K)} if transB)
     * {@code -> (B,M,N)}; a batch of 1 is broadcast. Products run in parallel across the batch, and
     * each large product is itself split further on the same pool (work stealing evens it out).
     */
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
        int aStride = as[0] == 1 ? 0 : m * k;
        int bStride = bs[0] == 1 ? 0 : k * n;
        // Fork across the batch only in chunks worth a fork; each product may split further inside.
        long work = Math.max(1L, (long) m * n * k);
        int grain = (int) Math.min(batch, Math.max(1L, PARALLEL_WORK / work));
        CpuParallel.forRange(batch, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                sgemm(transA, transB, m, n, k, 1f, ad, a.offset() + i * aStride, transA ? m : k,
                        bd, b.offset() + i * bStride, transB ? k : n, 0f, cd, c.offset() + i * m * n, n);
            }
        });
        return c;
    }

    /**
     * {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}, row-major: element (i, j) of C
     * is {@code c[cOff + i*ldc + j]}; {@code op(A)(i, p)} is {@code a[aOff + i*lda + p]}, or
     * {@code a[aOff + p*lda + i]} when {@code transA} (A stored k x m); the same for B. Safe to call
     * concurrently on distinct C.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        if (work <= SIMPLE_WORK || m <= FEW || (transB && n <= FEW)) {
            simple(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            CpuGemmBlocked.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    work >= PARALLEL_WORK);
        }
    }

    /**
     * The unblocked product on the calling thread: for each row of C, scale it by beta, then add
     * {@code alpha * A(i,p) * B(p,:)} for each p (contiguous rows of B, vectorised), or, for a
     * transposed B, one dot product per element (contiguous rows of the stored B).
     */
    static void simple(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda; // step between rows i of op(A)
        int aCol = transA ? lda : 1; // step between columns p of op(A)
        for (int i = 0; i < m; i++) {
            int co = cOff + i * ldc;
            int ao = aOff + i * aRow;
            scale(1, n, beta, c, co, ldc);
            if (transB) {
                for (int j = 0; j < n; j++) {
                    c[co + j] += alpha * dot(k, a, ao, aCol, b, bOff + j * ldb);
                }
            } else {
                for (int p = 0; p < k; p++) {
                    axpy(n, alpha * a[ao + p * aCol], b, bOff + p * ldb, c, co);
                }
            }
        }
    }

    /** {@code y[yo .. yo+n) += s * x[xo .. xo+n)}. */
    private static void axpy(int n, float s, float[] x, int xo, float[] y, int yo) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromArray(F, x, xo + j).fma(sv, FloatVector.fromArray(F, y, yo + j)).intoArray(y, yo + j);
        }
        for (; j < n; j++) { // the tail; a masked vector here measured ~3x slower
            y[yo + j] += s * x[xo + j];
        }
    }

    /** {@code sum_p x[xo + p*xStep] * y[yo + p]} for {@code p < k}: vectorised when x is contiguous too. */
    private static float dot(int k, float[] x, int xo, int xStep, float[] y, int yo) {
        int p = 0;
        float sum = 0f;
        if (xStep == 1) {
            FloatVector acc = FloatVector.zero(F);
            for (; p <= k - L; p += L) {
                acc = FloatVector.fromArray(F, x, xo + p).fma(FloatVector.fromArray(F, y, yo + p), acc);
            }
            // the lanes in a fixed order: reduceLanes(ADD) leaves the order to the implementation, and the JIT's
            // intrinsic and the interpreter's fallback differ, so a gradient changed in its last bits once C2 had
            // compiled this method (two identical backward passes in one JVM disagreed)
            for (int i = 0; i < L; i++) {
                sum += acc.lane(i);
            }
        }
        for (; p < k; p++) {
            sum += x[xo + p * xStep] * y[yo + p];
        }
        return sum;
    }

    /** C = beta * C; beta = 0 writes zeros without reading C. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int from = cOff + i * ldc;
            for (int j = from; j < from + n; j++) {
                c[j] = beta == 0f ? 0f : beta * c[j];
            }
        }
    }

    private static void checkArguments(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        int aCols = transA ? m : k;
        int bCols = transB ? k : n;
        if (lda < aCols || ldb < bCols || ldc < n) {
            throw new IllegalArgumentException("sgemm: leading dimension too small: lda=" + lda + " (needs "
                    + aCols + "), ldb=" + ldb + " (needs " + bCols + "), ldc=" + ldc + " (needs " + n + ")");
        }
    }

    /** The textbook triple loop (i, p, j order), for tests. */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        CpuParallel.forRange(m, (int) Math.max(1, 65536L / Math.max(1L, (long) n * k)), (from, to) -> {
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
