package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;
import org.transfer4j.cuda.driver.CudaStream;

/**
 * Copies float arrays between the Java heap and device buffers through pinned buffers of a
 * {@link PinnedHostPool}, in chunks of at most {@link #chunkBytes()} bytes. Each chunk is copied
 * into the pinned buffer, queued on the stream and waited for before the buffer is reused, so both
 * calls return with the copy complete. (Overlapping the next chunk's host copy with the transfer, with
 * two buffers and events, is the obvious next step when uploads show up in a profile.)
 */
public final class HostTransfers {

    /** The default chunk: 8 MiB, large enough to run the copy engine near its bandwidth. */
    public static final int DEFAULT_CHUNK_BYTES = 8 << 20;

    private final PinnedHostPool pool;
    private final int chunkBytes;

    /** Transfers through {@code pool} in chunks of {@link #DEFAULT_CHUNK_BYTES}. */
    public HostTransfers(PinnedHostPool pool) {
        this(pool, DEFAULT_CHUNK_BYTES);
    }

    /** Transfers through {@code pool} in chunks of {@code chunkBytes} (a positive multiple of 4). */
    public HostTransfers(PinnedHostPool pool, int chunkBytes) {
        if (chunkBytes < Float.BYTES || chunkBytes % Float.BYTES != 0 || chunkBytes > PinnedHostPool.MAX_BYTES) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 4 bytes up to "
                    + PinnedHostPool.MAX_BYTES + ", got " + chunkBytes);
        }
        this.pool = pool;
        this.chunkBytes = chunkBytes;
    }

    /** The chunk size in bytes. */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Copies {@code src} into the first {@code 4 * src.length} bytes of {@code dst} on {@code stream}
     * and waits for it.
     *
     * @throws IllegalArgumentException when dst is smaller than src
     */
    public void upload(float[] src, DeviceBuffer dst, CudaStream stream) {
        checkFits(src.length, dst);
        long total = (long) src.length * Float.BYTES;
        try (PinnedHostPool.Lease lease = pool.acquire(Math.min(total, chunkBytes))) {
            int chunkFloats = chunkBytes / Float.BYTES;
            for (int start = 0; start < src.length; start += chunkFloats) {
                int count = Math.min(chunkFloats, src.length - start);
                ByteBuffer buffer = lease.buffer();
                buffer.asFloatBuffer().put(src, start, count);
                stream.copyHostToDevice(dst.pointer().plus((long) start * Float.BYTES), buffer, (long) count * Float.BYTES);
                stream.synchronize();   // the pinned buffer is refilled next
            }
        }
    }

    /**
     * Copies the first {@code 4 * dst.length} bytes of {@code src} into {@code dst} on {@code stream}
     * (after the work queued before it) and waits for it.
     *
     * @throws IllegalArgumentException when src is smaller than dst
     */
    public void download(DeviceBuffer src, float[] dst, CudaStream stream) {
        checkFits(dst.length, src);
        long total = (long) dst.length * Float.BYTES;
        try (PinnedHostPool.Lease lease = pool.acquire(Math.min(total, chunkBytes))) {
            int chunkFloats = chunkBytes / Float.BYTES;
            for (int start = 0; start < dst.length; start += chunkFloats) {
                int count = Math.min(chunkFloats, dst.length - start);
                ByteBuffer buffer = lease.buffer();
                stream.copyDeviceToHost(buffer, src.pointer().plus((long) start * Float.BYTES), (long) count * Float.BYTES);
                stream.synchronize();
                buffer.asFloatBuffer().get(dst, start, count);
            }
        }
    }

    private static void checkFits(int floats, DeviceBuffer buffer) {
        if ((long) floats * Float.BYTES > buffer.bytes()) {
            throw new IllegalArgumentException(floats + " floats (" + (long) floats * Float.BYTES
                    + " bytes) do not fit " + buffer);
        }
    }
}
