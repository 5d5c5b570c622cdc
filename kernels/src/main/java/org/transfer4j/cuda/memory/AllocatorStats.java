package org.transfer4j.cuda.memory;

/**
 * A snapshot of a {@link CachingAllocator}'s counters (the names follow PyTorch's
 * {@code torch.cuda.memory_stats}: allocated is in live buffers, cached is held for reuse, reserved
 * is both, what the allocator holds from the device).
 *
 * @param allocatedBytes     bytes of the blocks behind live buffers (rounded sizes)
 * @param cachedBytes        bytes of free blocks kept for reuse
 * @param peakAllocatedBytes the highest {@code allocatedBytes} since creation or {@link CachingAllocator#resetPeak()}
 * @param deviceMallocs      {@code cuMemAlloc} calls that succeeded
 * @param deviceFrees        {@code cuMemFree} calls
 * @param cacheHits          allocations served from the cache
 * @param liveBuffers        buffers handed out and not yet closed
 * @param garbageCollections times the device was full and the garbage collector was run to reclaim the
 *                           blocks of unreachable buffers (many per epoch mean the working set is close to
 *                           the device's memory)
 */
public record AllocatorStats(long allocatedBytes, long cachedBytes, long peakAllocatedBytes, long deviceMallocs,
                             long deviceFrees, long cacheHits, long liveBuffers, long garbageCollections) {

    /** {@code allocatedBytes + cachedBytes}: what the allocator holds from the device. */
    public long reservedBytes() {
        return allocatedBytes + cachedBytes;
    }
}
