package org.transfer4j.cuda.blas;

import org.transfer4j.Transfer4jException;

/** A cuBLAS call returned a status other than {@code CUBLAS_STATUS_SUCCESS}; the message names the status and the call. */
public final class CublasException extends Transfer4jException {

    private final int status;
    private final String call;

    public CublasException(int status, String call) {
        super(call + " failed with " + CublasStatus.nameOf(status) + " (" + status + ")"
                + CublasStatus.of(status).map(s -> ": " + s.meaning()).orElse(""));
        this.status = status;
        this.call = call;
    }

    /** The {@code cublasStatus_t} value returned. */
    public int status() {
        return status;
    }

    /** The call that failed, with its arguments where they help (e.g. {@code cublasSgemm_v2(m=3, n=4, k=5)}). */
    public String call() {
        return call;
    }

    /** Throws unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    static void check(int status, String call) {
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS.code()) {
            throw new CublasException(status, call);
        }
    }
}
