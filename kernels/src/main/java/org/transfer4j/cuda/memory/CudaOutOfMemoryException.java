package org.transfer4j.cuda.memory;

import jcuda.driver.CUresult;
import org.transfer4j.cuda.driver.CudaException;

/**
 * The device had not enough memory for an allocation, even after the caching allocator released its
 * cached blocks and retried. The message gives what a user needs to act: the bytes asked for (and
 * the rounded size actually requested), the device's free and total bytes, and what the allocator
 * held (allocated to live buffers, and cached before it emptied its cache), e.g.
 * <pre>
 * CUDA out of memory: tried to allocate 96.00 GiB (103079215104 bytes, rounded to 103079215104) on stream 1;
 * the device has 79.10 GiB free of 79.19 GiB total; this allocator has 2.00 MiB allocated to live
 * buffers and had 4.00 MiB cached (released before the retry)
 * </pre>
 */
public final class CudaOutOfMemoryException extends CudaException {

    private final long requestedBytes;
    private final long freeBytes;
    private final long totalBytes;
    private final long allocatedBytes;
    private final long cachedBytes;

    /**
     * @param requestedBytes what the caller asked for
     * @param roundedBytes   the size class it was rounded to, what {@code cuMemAlloc} was asked for
     * @param streamId       the stream of the request
     * @param info           the device's free and total memory after the failed retry
     * @param allocatedBytes the allocator's bytes in live buffers
     * @param cachedBytes    the allocator's cached bytes before it emptied its cache for the retry
     * @param cause          the driver's error of the failed retry
     */
    public CudaOutOfMemoryException(long requestedBytes, long roundedBytes, long streamId, DeviceMemory.Info info,
                                    long allocatedBytes, long cachedBytes, CudaException cause) {
        super("CUDA out of memory: tried to allocate " + format(requestedBytes) + " (" + requestedBytes
                        + " bytes, rounded to " + roundedBytes + ") on stream " + streamId + "; the device has "
                        + format(info.freeBytes()) + " free of " + format(info.totalBytes()) + " total; this allocator has "
                        + format(allocatedBytes) + " allocated to live buffers and had " + format(cachedBytes)
                        + " cached (released before the retry)",
                "cuMemAlloc(" + roundedBytes + " bytes)", CUresult.CUDA_ERROR_OUT_OF_MEMORY, cause);
        this.requestedBytes = requestedBytes;
        this.freeBytes = info.freeBytes();
        this.totalBytes = info.totalBytes();
        this.allocatedBytes = allocatedBytes;
        this.cachedBytes = cachedBytes;
    }

    /** A byte count as PyTorch prints it: {@code 512 B}, {@code 1.50 KiB}, {@code 2.00 MiB}, {@code 79.19 GiB}. */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    /** The bytes the caller asked for. */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** The device's free bytes after the failed retry. */
    public long freeBytes() {
        return freeBytes;
    }

    /** The device's total bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** The allocator's bytes in live buffers. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** The allocator's cached bytes before it emptied its cache. */
    public long cachedBytes() {
        return cachedBytes;
    }
}
