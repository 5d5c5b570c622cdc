package org.transfer4j.cuda.memory;

import org.transfer4j.cuda.driver.CudaException;

/**
 * The raw device memory calls the caching allocator is built on: one place to swap the driver for a
 * fake, so that the allocator's logic is tested without a GPU. Production: {@link JCudaDeviceMemory}.
 */
public interface DeviceMemory {

    /**
     * Free and total device memory in bytes ({@code cuMemGetInfo}).
     *
     * @param freeBytes  what the device has free
     * @param totalBytes what it has in all
     */
    record Info(long freeBytes, long totalBytes) {
    }

    /**
     * Allocates {@code bytes} bytes of device memory ({@code cuMemAlloc}).
     *
     * @return the device address
     * @throws CudaException with {@link CudaException#errorCode()} {@code CUDA_ERROR_OUT_OF_MEMORY}
     *                       when the device has not enough memory, another code on other failures
     */
    long malloc(long bytes);

    /** Frees what {@link #malloc} returned ({@code cuMemFree}). */
    void free(long address);

    /** Free and total device memory now. */
    Info memGetInfo();
}
