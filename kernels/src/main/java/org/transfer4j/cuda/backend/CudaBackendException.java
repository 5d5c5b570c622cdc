package org.transfer4j.cuda.backend;

import org.transfer4j.Transfer4jException;

/**
 * A CUDA, cuBLAS or cuDNN call failed inside a backend op. The message names the op, the device and the
 * shapes of its arguments, then the failure (the driver's {@code CUresult}, cuBLAS's or cuDNN's status
 * and the call); the original exception is the cause. Out of memory is not wrapped: it stays the
 * allocator's {@link org.transfer4j.cuda.memory.CudaOutOfMemoryException}, with the bytes asked for and free.
 */
public final class CudaBackendException extends Transfer4jException {
    private final String op;

    public CudaBackendException(String op, String context, Throwable cause) {
        super(op + " on " + context + " failed: " + cause.getMessage(), cause);
        this.op = op;
    }

    /** The backend op that failed, e.g. {@code conv2d}. */
    public String op() {
        return op;
    }
}
