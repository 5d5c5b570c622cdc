package org.transfer4j.cuda.driver;

/**
 * CUDA cannot be used in this process: no driver library ({@code libcuda.so.1}), no device, or JCuda's
 * native library did not load. The message says which, from
 * {@link org.transfer4j.cuda.CudaAvailability#reason()} or the linkage error; device selection catches
 * this to fall back to the CPU where the user asked for {@code auto}.
 */
public final class CudaUnavailableException extends CudaException {

    /** CUDA is unavailable for {@code reason}; {@code operation} is what needed it. */
    public CudaUnavailableException(String operation, String reason, Throwable cause) {
        super("CUDA is unavailable (" + operation + "): " + reason, operation, NO_CODE, cause);
    }
}
