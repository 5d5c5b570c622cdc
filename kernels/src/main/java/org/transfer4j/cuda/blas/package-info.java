/**
 * cuBLAS through Java FFM: {@link org.transfer4j.cuda.blas.Cublas} (a handle per stream, SGEMM,
 * strided-batched SGEMM, {@code cublasGemmEx}), the row-major to column-major mapping
 * {@link org.transfer4j.cuda.blas.GemmPlan} (pure Java, tested on the CPU) and the status table
 * {@link org.transfer4j.cuda.blas.CublasStatus}.
 *
 * <p>Shapes: our tensors are row-major, {@code A (M,K) x B (K,N) -> C (M,N)}; cuBLAS is column-major.
 * {@code GemmPlan} says which cuBLAS arguments compute a row-major product without a copy.
 */
package org.transfer4j.cuda.blas;
