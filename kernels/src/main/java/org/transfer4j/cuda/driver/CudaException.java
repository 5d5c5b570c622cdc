package org.transfer4j.cuda.driver;

import jcuda.driver.CUresult;
import org.transfer4j.Transfer4jException;

/**
 * A CUDA driver call failed, or CUDA cannot be used. The root of the CUDA backend's exceptions
 * (unchecked, like every transfer4j exception). The message names the operation that failed and,
 * for a driver error, the {@code CUresult} name and number, e.g.
 * {@code "cuModuleLoadData(elementwise.sm90) failed: CUDA_ERROR_INVALID_PTX (218)"}.
 *
 * <p>JCuda can throw its own {@code CudaException} on a failed call, but its message lacks the
 * operation; the driver layer turns that off ({@code JCudaDriver.setExceptionsEnabled(false)}) and
 * passes every status through {@link #check(int, String)} instead (the pattern of tinygrad's
 * {@code check(status)} and llm.c's {@code cudaCheck}).
 */
public class CudaException extends Transfer4jException {

    /** The {@code CUresult} value of a success ({@code CUDA_SUCCESS}). */
    public static final int SUCCESS = CUresult.CUDA_SUCCESS;
    /** {@link #errorCode()} of an exception that does not come from a driver status. */
    public static final int NO_CODE = -1;

    private final int errorCode;
    private final String operation;

    /** A failed driver call: {@code operation} returned the {@code CUresult} {@code errorCode}. */
    public CudaException(int errorCode, String operation) {
        super(message(errorCode, operation));
        this.errorCode = errorCode;
        this.operation = operation;
    }

    /** A failure that is not one driver status (message given as is). */
    protected CudaException(String message, String operation, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.operation = operation;
    }

    /**
     * Throws a {@link CudaException} unless {@code result} is {@code CUDA_SUCCESS}.
     *
     * @param result    the {@code CUresult} a driver call returned
     * @param operation the call and what it was for, e.g. {@code "cuMemAlloc(4096 bytes)"}
     * @throws CudaException naming {@code operation} and the error
     */
    public static void check(int result, String operation) {
        if (result != SUCCESS) {
            throw new CudaException(result, operation);
        }
    }

    /** {@code "<operation> failed: <CUresult name> (<code>)"}. */
    public static String message(int errorCode, String operation) {
        return operation + " failed: " + errorName(errorCode) + " (" + errorCode + ")";
    }

    /** The {@code CUresult} name of a status, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY} (JCuda's table). */
    public static String errorName(int errorCode) {
        return CUresult.stringFor(errorCode);
    }

    /** The {@code CUresult} of the failed call, or {@link #NO_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The operation that failed, e.g. {@code "cuLaunchKernel(elementwise/relu_f32)"}. */
    public String operation() {
        return operation;
    }
}
