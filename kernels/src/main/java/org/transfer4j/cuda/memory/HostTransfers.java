package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.transfer4j.cuda.driver.CudaEvent;
import org.transfer4j.cuda.driver.CudaStream;
import org.transfer4j.cuda.driver.DevicePointer;

/**
 * Copies float arrays between the Java heap and device buffers through pinned buffers of a
 * {@link PinnedHostPool}, in chunks of at most {@link #chunkBytes()} bytes. Each chunk is copied
 * into the pinned buffer, queued on the stream and waited for before the buffer is reused, so the
 * calls return with the copy complete; except, when made with an event factory, an upload of at most
 * {@value UploadRing#SLOT_BYTES} bytes, which is staged in an {@link UploadRing} slot and returns at once.
 */
public final class HostTransfers implements AutoCloseable {

    /** The default chunk: 8 MiB, large enough to run the copy engine near its bandwidth. */
    public static final int DEFAULT_CHUNK_BYTES = 8 << 20;

    private final PinnedHostPool pool;
    private final int chunkBytes;
    private final UploadRing ring; // null: every upload waits

    /** Transfers through {@code pool} in chunks of {@link #DEFAULT_CHUNK_BYTES}; every call waits. */
    public HostTransfers(PinnedHostPool pool) {
        this(pool, DEFAULT_CHUNK_BYTES);
    }

    /**
     * Transfers through {@code pool} in chunks of {@link #DEFAULT_CHUNK_BYTES}; small uploads do not wait, their
     * staging slots guarded by events from {@code events} ({@code () -> CudaEvent.create(context)}).
     */
    public HostTransfers(PinnedHostPool pool, Supplier<CudaEvent> events) {
        this(pool, DEFAULT_CHUNK_BYTES, new UploadRing(pool, events));
    }

    /** Transfers through {@code pool} in chunks of {@code chunkBytes} (a positive multiple of 4). */
    public HostTransfers(PinnedHostPool pool, int chunkBytes) {
        this(pool, chunkBytes, null);
    }

    private HostTransfers(PinnedHostPool pool, int chunkBytes, UploadRing ring) {
        if (chunkBytes < Float.BYTES || chunkBytes % Float.BYTES != 0 || chunkBytes > PinnedHostPool.MAX_BYTES) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 4 bytes up to "
                    + PinnedHostPool.MAX_BYTES + ", got " + chunkBytes);
        }
        this.pool = pool;
        this.chunkBytes = chunkBytes;
        this.ring = ring;
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
        upload(src, 0, src.length, dst, 0, stream);
    }

    /**
     * Copies {@code src[from, from+count)} into {@code dst} from byte {@code dstByteOffset} on {@code stream}
     * and waits for it (a small one staged instead, see the class comment).
     *
     * @throws IllegalArgumentException when the range is outside src or does not fit dst
     */
    public void upload(float[] src, int from, int count, DeviceBuffer dst, long dstByteOffset, CudaStream stream) {
        checkRange(src.length, from, count);
        checkFits(count, dstByteOffset, dst);
        uploadElements(count, (buffer, start, n) -> buffer.asFloatBuffer().put(src, from + start, n),
                dst.pointer().plus(dstByteOffset), stream);
    }

    /**
     * Copies {@code src} (32-bit integers, e.g. gather indices) into the first {@code 4 * src.length} bytes
     * of {@code dst} on {@code stream} and waits for it.
     *
     * @throws IllegalArgumentException when dst is smaller than src
     */
    public void uploadInts(int[] src, DeviceBuffer dst, CudaStream stream) {
        checkFits(src.length, 0, dst);
        uploadElements(src.length, (buffer, start, n) -> buffer.asIntBuffer().put(src, start, n), dst.pointer(), stream);
    }

    /**
     * Uploads {@code count} 4-byte elements that {@code fill} writes into a pinned buffer, to {@code dst} on
     * {@code stream}: staged in a ring slot without waiting when small, else chunk by chunk, each waited for
     * before its pinned buffer is refilled.
     */
    private void uploadElements(int count, Chunk fill, DevicePointer dst, CudaStream stream) {
        if (staged(count)) {
            ByteBuffer slot = ring.acquire(count * Float.BYTES);
            fill.copy(slot, 0, count);
            stream.copyHostToDevice(dst, slot, (long) count * Float.BYTES);
            ring.queued(stream);
            return;
        }
        inChunks(count, (buffer, start, n) -> {
            fill.copy(buffer, start, n);
            stream.copyHostToDevice(dst.plus((long) start * Float.BYTES), buffer, (long) n * Float.BYTES);
            stream.synchronize();   // the pinned buffer is refilled next
        });
    }

    /**
     * Copies the first {@code 4 * dst.length} bytes of {@code src} into {@code dst} on {@code stream}
     * (after the work queued before it) and waits for it.
     *
     * @throws IllegalArgumentException when src is smaller than dst
     */
    public void download(DeviceBuffer src, float[] dst, CudaStream stream) {
        download(src, 0, dst, 0, dst.length, stream);
    }

    /**
     * Copies {@code count} floats of {@code src} from byte {@code srcByteOffset} into {@code dst[from, from+count)}
     * on {@code stream} (after the work queued before it) and waits for it.
     *
     * @throws IllegalArgumentException when the range is outside dst or src
     */
    public void download(DeviceBuffer src, long srcByteOffset, float[] dst, int from, int count, CudaStream stream) {
        checkRange(dst.length, from, count);
        checkFits(count, srcByteOffset, src);
        inChunks(count, (buffer, start, n) -> {
            stream.copyDeviceToHost(buffer, src.pointer().plus(srcByteOffset + (long) start * Float.BYTES),
                    (long) n * Float.BYTES);
            stream.synchronize();
            buffer.asFloatBuffer().get(dst, from + start, n);
        });
    }

    /**
     * The little-endian 8-byte integer at byte {@code srcByteOffset} of {@code src} (a count a kernel wrote),
     * copied on {@code stream} after the work queued before it; waits for it.
     *
     * @throws IllegalArgumentException when the 8 bytes are outside src
     */
    public long downloadLong(DeviceBuffer src, long srcByteOffset, CudaStream stream) {
        checkFits(2, srcByteOffset, src);
        try (PinnedHostPool.Lease lease = pool.acquire(Long.BYTES)) {
            ByteBuffer buffer = lease.buffer();
            stream.copyDeviceToHost(buffer, src.pointer().plus(srcByteOffset), Long.BYTES);
            stream.synchronize();
            return buffer.getLong(0);
        }
    }

    /** Whether an upload of {@code count} 4-byte elements goes through the ring (made with events, small, not empty). */
    private boolean staged(int count) {
        return ring != null && count > 0 && (long) count * Float.BYTES <= UploadRing.SLOT_BYTES;
    }

    /** Waits for the staged uploads in flight and returns their slots to the pool; idempotent. */
    @Override
    public void close() {
        if (ring != null) {
            ring.close();
        }
    }

    /** One chunk of a copy: elements {@code [start, start+n)} of the array, to or from the pinned {@code buffer} at its start. */
    @FunctionalInterface
    private interface Chunk {
        void copy(ByteBuffer buffer, int start, int n);
    }

    /**
     * Runs {@code chunk} over {@code count} 4-byte elements (floats or ints) in pieces of at most
     * {@link #chunkBytes()} bytes, all through one pinned buffer leased for the whole copy; each piece
     * must wait for its transfer before returning, since the next one reuses the buffer.
     */
    private void inChunks(int count, Chunk chunk) {
        if (count == 0) {
            return;
        }
        try (PinnedHostPool.Lease lease = pool.acquire(Math.min((long) count * Float.BYTES, chunkBytes))) {
            int chunkElements = chunkBytes / Float.BYTES;
            for (int start = 0; start < count; start += chunkElements) {
                chunk.copy(lease.buffer(), start, Math.min(chunkElements, count - start));
            }
        }
    }

    private static void checkRange(int length, int from, int count) {
        if (from < 0 || count < 0 || from > length - count) {
            throw new IllegalArgumentException("range [" + from + ", " + ((long) from + count) + ") is outside an array of "
                    + length + " floats");
        }
    }

    private static void checkFits(int floats, long byteOffset, DeviceBuffer buffer) {
        if (byteOffset < 0 || byteOffset + (long) floats * Float.BYTES > buffer.bytes()) {
            throw new IllegalArgumentException(floats + " floats (" + (long) floats * Float.BYTES
                    + " bytes) from byte " + byteOffset + " do not fit " + buffer);
        }
    }
}
