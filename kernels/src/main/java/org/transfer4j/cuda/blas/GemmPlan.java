package org.transfer4j.cuda.blas;

/**
 * The cuBLAS arguments that compute a row-major GEMM: {@code C (M,N) = op(A) (M,K) x op(B) (K,N)},
 * where A is stored row-major as {@code (M,K)}, or {@code (K,M)} when {@code transA}, B as
 * {@code (K,N)}, or {@code (N,K)} when {@code transB}, and C as {@code (M,N)}, all contiguous.
 *
 * <p>cuBLAS is column-major, and a row-major {@code (r,c)} matrix read column-major is its transpose
 * {@code (c,r)} with leading dimension {@code c}. So cuBLAS is asked for {@code C^T = op(B)^T op(A)^T}:
 * the operands swap (cuBLAS's first operand is our B, its second our A), each keeps its own
 * transpose flag, and
 * <pre>
 *   cuBLAS m = N,  n = M,  k = K
 *   lda (of B) = transB ? K : N     (B's row length as stored)
 *   ldb (of A) = transA ? M : K     (A's row length as stored)
 *   ldc        = N
 * </pre>
 * No data moves. cuBLAS writes C^T column-major, which is C row-major.
 *
 * @param opFirst  {@code cublasOperation_t} of cuBLAS's first operand (our B): 0 = N, 1 = T
 * @param opSecond {@code cublasOperation_t} of cuBLAS's second operand (our A)
 * @param m        cuBLAS's m = our N
 * @param n        cuBLAS's n = our M
 * @param k        K
 * @param ldFirst  leading dimension of cuBLAS's first operand (our B)
 * @param ldSecond leading dimension of cuBLAS's second operand (our A)
 * @param ldc      leading dimension of C, = our N
 */
public record GemmPlan(int opFirst, int opSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {

    /** {@code CUBLAS_OP_N} (cublas_api.h). */
    public static final int CUBLAS_OP_N = 0;
    /** {@code CUBLAS_OP_T} (cublas_api.h). */
    public static final int CUBLAS_OP_T = 1;

    /**
     * The plan for row-major {@code C (M,N) = op(A) op(B)}.
     *
     * @throws IllegalArgumentException when a dimension is below 1
     */
    public static GemmPlan rowMajor(boolean transA, boolean transB, int rowsM, int colsN, int inner) {
        if (rowsM < 1 || colsN < 1 || inner < 1) {
            throw new IllegalArgumentException("GEMM dimensions must be at least 1, got M=" + rowsM + ", N=" + colsN + ", K=" + inner);
        }
        return new GemmPlan(transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                colsN, rowsM, inner, transB ? inner : colsN, transA ? rowsM : inner, colsN);
    }

    /** Our M, the rows of C. */
    public int rowsM() {
        return n;
    }

    /** Our N, the columns of C. */
    public int colsN() {
        return m;
    }

    /** Elements of our A, {@code M*K}: its batch stride when batches are packed. */
    public long sizeA() {
        return (long) n * k;
    }

    /** Elements of our B, {@code K*N}. */
    public long sizeB() {
        return (long) k * m;
    }

    /** Elements of C, {@code M*N}. */
    public long sizeC() {
        return (long) m * n;
    }

    @Override
    public String toString() {
        return "m=" + m + ", n=" + n + ", k=" + k + ", op=" + (opFirst == CUBLAS_OP_T ? "T" : "N") + (opSecond == CUBLAS_OP_T ? "T" : "N")
                + ", ld=" + ldFirst + "/" + ldSecond + "/" + ldc;
    }
}
