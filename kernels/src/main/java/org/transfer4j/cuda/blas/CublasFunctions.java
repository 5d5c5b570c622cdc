package org.transfer4j.cuda.blas;

import java.util.List;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * The C prototypes of every cuBLAS function {@link Cublas} binds, as declared in cuBLAS 12/13's
 * {@code cublas_api.h} (checked against the header text by {@code PrototypeSignatureTest}). The
 * downcall descriptors are derived from these, so a prototype typed wrong here fails that test.
 */
final class CublasFunctions {

    static final Prototype CREATE = Prototype.parse("cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)");
    static final Prototype DESTROY = Prototype.parse("cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)");
    static final Prototype SET_STREAM = Prototype.parse("cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)");
    static final Prototype SET_MATH_MODE = Prototype.parse("cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)");
    static final Prototype SGEMM = Prototype.parse("""
            cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                int m, int n, int k, const float* alpha, const float* A, int lda, const float* B, int ldb,
                const float* beta, float* C, int ldc)""");
    static final Prototype SGEMM_STRIDED_BATCHED = Prototype.parse("""
            cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                int m, int n, int k, const float* alpha, const float* A, int lda, long long int strideA,
                const float* B, int ldb, long long int strideB, const float* beta, float* C, int ldc,
                long long int strideC, int batchCount)""");
    static final Prototype GEMM_EX = Prototype.parse("""
            cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                int m, int n, int k, const void* alpha, const void* A, cudaDataType Atype, int lda,
                const void* B, cudaDataType Btype, int ldb, const void* beta, void* C, cudaDataType Ctype, int ldc,
                cublasComputeType_t computeType, cublasGemmAlgo_t algo)""");

    /** Every prototype bound, for the signature check. */
    static final List<Prototype> ALL = List.of(CREATE, DESTROY, SET_STREAM, SET_MATH_MODE, SGEMM, SGEMM_STRIDED_BATCHED, GEMM_EX);

    private CublasFunctions() {
    }
}
