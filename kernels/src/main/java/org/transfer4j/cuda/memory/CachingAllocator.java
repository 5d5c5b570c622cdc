package org.transfer4j.cuda.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.driver.CUresult;
import org.transfer4j.cuda.driver.CudaException;
import org.transfer4j.cuda.driver.CudaStream;

/**
 * A caching device memory allocator after PyTorch's {@code CUDACachingAllocator}, simplified (small blocks are
 * not split, no cross-stream use). {@code cuMemAlloc} and {@code cuMemFree} are slow and
 * {@code cuMemFree} synchronises the device, so a training step that allocates the same activations
 * every iteration would stall; instead a closed buffer's block is kept and handed to the next request
 * of a fitting size on the same stream.
 *
 * <p>Policy:
 * <ul>
 *   <li><b>Size classes.</b> A request of at most {@value #SMALL_LIMIT} bytes (1 MiB) is <i>small</i>
 *       and rounded up to a multiple of {@value #SMALL_ROUNDING} bytes (0 becomes 512), and the device
 *       allocation is that size; a larger one is <i>large</i>: its block is rounded to 512 bytes, and a new
 *       device allocation (a segment) to a multiple of {@value #LARGE_ROUNDING} bytes (2 MiB,
 *       {@link #roundSize}).</li>
 *   <li><b>Reuse per stream, best fit.</b> Free blocks are kept per (stream, size class). A small request
 *       takes the smallest free small block of its stream that is at least its rounded size, up to twice
 *       that size (blocks are not split: a larger one would waste more than it holds). A large request takes
 *       the smallest free large block of its stream that holds it and splits off the rest when at least 1 MiB
 *       would remain; a freed large block merges with its free neighbours ({@link LargeBlocks}). Blocks never
 *       move between streams: a block freed on stream S may still be read by work queued on S, and only later
 *       work on S is ordered after it.</li>
 *   <li><b>Out of memory.</b> When {@code cuMemAlloc} fails with {@code CUDA_ERROR_OUT_OF_MEMORY},
 *       the allocator empties its cache ({@link #emptyCache()}) and retries once; if that fails too it
 *       throws {@link CudaOutOfMemoryException} with the bytes asked for, the device's free and total
 *       bytes and its own allocated and cached bytes. Other driver errors pass through.</li>
 *   <li><b>Statistics</b> ({@link #stats()}): allocated, cached, peak allocated, device mallocs and
 *       frees, cache hits, live buffers.</li>
 * </ul>
 * Thread-safe (one lock). {@link #close()} releases the cache; buffers still live are freed to the
 * device when they are closed.
 */
public final class CachingAllocator implements AutoCloseable {

    /** Largest request of the small class: 1 MiB. */
    public static final long SMALL_LIMIT = 1L << 20;
    /** Small requests are rounded up to a multiple of this: 512 bytes. */
    public static final long SMALL_ROUNDING = 512;
    /** Large requests are rounded up to a multiple of this: 2 MiB. */
    public static final long LARGE_ROUNDING = 2L << 20;
    /** A free small block is reused for a request only up to this many times the request's rounded size. */
    public static final long MAX_FIT_RATIO = 2;

    private final DeviceMemory memory;
    /** Free small blocks: stream -> block size -> addresses. */
    private final Map<Long, TreeMap<Long, ArrayDeque<Long>>> pools = new HashMap<>();
    /** Large blocks, per stream. */
    private final Map<Long, LargeBlocks> large = new HashMap<>();
    private long allocatedBytes;
    private long cachedBytes;
    private long peakAllocatedBytes;
    private long deviceMallocs;
    private long deviceFrees;
    private long cacheHits;
    private long liveBuffers;
    private boolean closed;
    /** Blocks given back so far (read without the lock while waiting for cleaners). */
    private final AtomicLong releases = new AtomicLong();
    /** Times the garbage collector was run to find unreachable buffers. */
    private final AtomicLong gcRuns = new AtomicLong();

    /** An allocator over {@code memory} ({@link JCudaDeviceMemory} in production). */
    public CachingAllocator(DeviceMemory memory) {
        this.memory = memory;
    }

    /**
     * The size class of a request: up to 1 MiB rounded up to a multiple of 512 bytes (at least 512),
     * above rounded up to a multiple of 2 MiB.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative or too large to round
     */
    public static long roundSize(long bytes) {
        if (bytes < 0 || bytes > Long.MAX_VALUE - LARGE_ROUNDING) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        if (bytes <= SMALL_LIMIT) {
            return Math.max(SMALL_ROUNDING, Math.ceilDiv(bytes, SMALL_ROUNDING) * SMALL_ROUNDING);
        }
        return Math.ceilDiv(bytes, LARGE_ROUNDING) * LARGE_ROUNDING;
    }

    /** {@link #allocate(long, long)} on {@code stream}. */
    public DeviceBuffer allocate(long bytes, CudaStream stream) {
        return allocate(bytes, stream.id());
    }

    /**
     * A buffer of at least {@code bytes} bytes for use on the stream {@code streamId}: a cached block
     * of that stream when one fits, else a new device allocation. When the device is full, first the
     * garbage collector runs, so that the blocks of buffers nobody holds any more come back through their
     * cleaners ({@link DeviceBuffer#releaseWhenUnreachable}), and the request is tried again; then the cache
     * is emptied and the device asked once more.
     *
     * @throws CudaOutOfMemoryException when the device has not enough memory even after both
     * @throws CudaException            on another driver error
     */
    public DeviceBuffer allocate(long bytes, long streamId) {
        DeviceBuffer buffer = allocateOrNull(bytes, streamId);
        if (buffer != null) {
            return buffer;
        }
        // Not under the lock: the cleaners need it to give blocks back.
        reclaimUnreachable();
        return allocateOrEmptyCache(bytes, streamId);
    }

    /** A cached block or a new one; null when the device is out of memory (the cache is left as it is). */
    private synchronized DeviceBuffer allocateOrNull(long bytes, long streamId) {
        checkOpen();
        long rounded = roundSize(bytes);
        DeviceBuffer cached = rounded > SMALL_LIMIT ? fromLargeCache(bytes, streamId) : fromCache(bytes, rounded, streamId);
        return cached != null ? cached : mallocOrNull(bytes, rounded, streamId);
    }

    /** A large block of the stream's free large blocks, split to the request; null if none holds it. */
    private DeviceBuffer fromLargeCache(long bytes, long streamId) {
        LargeBlocks pool = large.get(streamId);
        Long address = pool == null ? null : pool.take(LargeBlocks.blockSize(bytes));
        if (address == null) {
            return null;
        }
        long size = pool.sizeOf(address);
        cachedBytes -= size;
        cacheHits++;
        return track(bytes, address, size, streamId);
    }

    /** A new device allocation of {@code rounded} bytes: a small block, or a large segment whose front the request takes. */
    private DeviceBuffer fresh(long bytes, long rounded, long streamId) {
        long address = deviceMalloc(rounded);
        if (rounded <= SMALL_LIMIT) {
            return track(bytes, address, rounded, streamId);
        }
        LargeBlocks pool = large.computeIfAbsent(streamId, k -> new LargeBlocks());
        long size = pool.addSegment(address, rounded, LargeBlocks.blockSize(bytes));
        cachedBytes += rounded - size; // the split-off rest, free
        return track(bytes, address, size, streamId);
    }

    /** After the garbage collector ran: the cache again, the device, then the device with the cache emptied. */
    private synchronized DeviceBuffer allocateOrEmptyCache(long bytes, long streamId) {
        DeviceBuffer buffer = allocateOrNull(bytes, streamId);
        if (buffer != null) {
            return buffer;
        }
        long rounded = roundSize(bytes);
        long cachedBefore = cachedBytes;
        emptyCache();
        try {
            return fresh(bytes, rounded, streamId);
        } catch (CudaException second) {
            if (second.errorCode() != CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw second;
            }
            throw new CudaOutOfMemoryException(bytes, rounded, streamId, memory.memGetInfo(), allocatedBytes,
                    cachedBefore, second);
        }
    }

    /** A new device block, or null when the device is out of memory; other driver errors pass through. */
    private DeviceBuffer mallocOrNull(long bytes, long rounded, long streamId) {
        try {
            return fresh(bytes, rounded, streamId);
        } catch (CudaException e) {
            if (e.errorCode() != CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw e;
            }
            return null;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("allocator is closed");
        }
    }

    /** The smallest cached small block of the stream that fits, up to twice the size; null if none. */
    private DeviceBuffer fromCache(long bytes, long rounded, long streamId) {
        TreeMap<Long, ArrayDeque<Long>> pool = pools.get(streamId);
        Map.Entry<Long, ArrayDeque<Long>> fit = pool == null ? null : pool.ceilingEntry(rounded);
        if (fit == null || fit.getKey() > MAX_FIT_RATIO * rounded) {
            return null;
        }
        long capacity = fit.getKey();
        long address = fit.getValue().pop();
        if (fit.getValue().isEmpty()) {
            pool.remove(capacity);
        }
        cachedBytes -= capacity;
        cacheHits++;
        return track(bytes, address, capacity, streamId);
    }

    private DeviceBuffer track(long bytes, long address, long capacity, long streamId) {
        allocatedBytes += capacity;
        peakAllocatedBytes = Math.max(peakAllocatedBytes, allocatedBytes);
        liveBuffers++;
        return new DeviceBuffer(this, address, bytes, capacity, streamId);
    }

    private long deviceMalloc(long rounded) {
        long address = memory.malloc(rounded);
        deviceMallocs++;
        return address;
    }

    /**
     * Runs the garbage collector and waits, a bounded time, for the cleaners of the buffers it found
     * unreachable to give their blocks back, as {@code java.nio.Bits.reserveMemory} does for direct
     * buffers: waits while blocks keep coming back, at most about half a second in all.
     */
    private void reclaimUnreachable() {
        gcRuns.incrementAndGet();
        System.gc();
        long seen = releases.get();
        long waitedMs = 0;
        for (int sleepMs = 1; waitedMs < 500; sleepMs = Math.min(sleepMs * 2, 64)) {
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            waitedMs += sleepMs;
            long now = releases.get();
            if (now == seen && waitedMs >= 16) {
                return; // nothing more came back for a while
            }
            seen = now;
        }
    }

    /** Called by {@link DeviceBuffer#close()}: the block goes to its stream's free list (or to the device once closed). */
    synchronized void release(long address, long capacity, long streamId) {
        releases.incrementAndGet();
        allocatedBytes -= capacity;
        liveBuffers--;
        LargeBlocks pool = large.get(streamId);
        if (pool != null && pool.holds(address)) {
            pool.give(address);
            cachedBytes += capacity;
            if (closed) {
                cachedBytes -= pool.releaseWholeSegments(memory, () -> deviceFrees++);
            }
            return;
        }
        if (closed) {
            memory.free(address);
            deviceFrees++;
            return;
        }
        pools.computeIfAbsent(streamId, k -> new TreeMap<>())
                .computeIfAbsent(capacity, k -> new ArrayDeque<>()).push(address);
        cachedBytes += capacity;
    }

    /**
     * Frees every cached block to the device ({@code cuMemFree}; live buffers are untouched), like
     * {@code torch.cuda.empty_cache()}.
     *
     * @return the bytes released
     */
    public synchronized long emptyCache() {
        long released = 0;
        for (TreeMap<Long, ArrayDeque<Long>> pool : pools.values()) {
            for (Map.Entry<Long, ArrayDeque<Long>> blocks : pool.entrySet()) {
                for (long address : blocks.getValue()) {
                    memory.free(address);
                    deviceFrees++;
                    released += blocks.getKey();
                }
            }
        }
        pools.clear();
        for (LargeBlocks pool : large.values()) {
            released += pool.releaseWholeSegments(memory, () -> deviceFrees++);
        }
        cachedBytes -= released;
        return released;
    }

    /** The counters now. */
    public synchronized AllocatorStats stats() {
        return new AllocatorStats(allocatedBytes, cachedBytes, peakAllocatedBytes, deviceMallocs, deviceFrees,
                cacheHits, liveBuffers, gcRuns.get());
    }

    /** Sets the peak to the current allocated bytes (to measure the peak of one phase). */
    public synchronized void resetPeak() {
        peakAllocatedBytes = allocatedBytes;
    }

    /** Empties the cache and stops caching; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            emptyCache();
            closed = true;
        }
    }
}
