package org.transfer4j.cuda.blas;

/**
 * {@code cublasStatus_t}: the values of cuBLAS 12/13's {@code cublas_api.h} (source: CUDA 12.6
 * include/cublas_api.h as stored in github.com/zspace/system.cuda-12.6; the same list is in the
 * cuBLAS documentation, "cublasStatus_t"). The names are cuBLAS's own, so messages can be searched.
 */
public enum CublasStatus {
    CUBLAS_STATUS_SUCCESS(0, "the operation completed successfully"),
    CUBLAS_STATUS_NOT_INITIALIZED(1, "the cuBLAS library was not initialized (cublasCreate failed or the handle is invalid)"),
    CUBLAS_STATUS_ALLOC_FAILED(3, "resource allocation failed inside cuBLAS"),
    CUBLAS_STATUS_INVALID_VALUE(7, "an unsupported value or parameter was passed (a negative dimension, a leading dimension too small)"),
    CUBLAS_STATUS_ARCH_MISMATCH(8, "the function needs a feature the device does not have"),
    CUBLAS_STATUS_MAPPING_ERROR(11, "an access to GPU memory space failed"),
    CUBLAS_STATUS_EXECUTION_FAILED(13, "the GPU program failed to execute"),
    CUBLAS_STATUS_INTERNAL_ERROR(14, "an internal cuBLAS operation failed"),
    CUBLAS_STATUS_NOT_SUPPORTED(15, "the functionality requested is not supported"),
    CUBLAS_STATUS_LICENSE_ERROR(16, "the functionality requested requires some license");

    private final int code;
    private final String meaning;

    CublasStatus(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The C value. */
    public int code() {
        return code;
    }

    /** What the documentation says the status means. */
    public String meaning() {
        return meaning;
    }

    /** The status with C value {@code code}, or empty for a value this table does not know. */
    public static java.util.Optional<CublasStatus> of(int code) {
        for (CublasStatus s : values()) {
            if (s.code == code) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }

    /** The name of {@code code}: {@code CUBLAS_STATUS_INVALID_VALUE}, or {@code cublasStatus_t(99)} when unknown. */
    public static String nameOf(int code) {
        return of(code).map(Enum::name).orElse("cublasStatus_t(" + code + ")");
    }
}
