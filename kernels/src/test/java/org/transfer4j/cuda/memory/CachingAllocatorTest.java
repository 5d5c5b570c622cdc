package org.transfer4j.cuda.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.driver.CudaException;

class CachingAllocatorTest {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    @Test
    void smallRequestsRoundTo512BytesAndLargeOnesTo2MiB() {
        assertEquals(512, CachingAllocator.roundSize(0));
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(MIB, CachingAllocator.roundSize(MIB));             // 1 MiB is still small: 2048 * 512
        assertEquals(2 * MIB, CachingAllocator.roundSize(MIB + 1));     // the first large size
        assertEquals(4 * MIB, CachingAllocator.roundSize(2 * MIB + 1));
        // a 224x224x3 float image batch of 64: 38,535,168 bytes = 36.75 MiB -> 38 MiB
        assertEquals(38 * MIB, CachingAllocator.roundSize(64L * 224 * 224 * 3 * 4));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundSize(-1));
    }

    @Test
    void aClosedBufferIsReusedForTheSameSizeOnTheSameStream() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer first = allocator.allocate(1000, 1);
        long address = first.address();
        assertEquals(1024, first.capacity());
        first.close();
        DeviceBuffer second = allocator.allocate(900, 1);    // also rounds to 1024
        assertEquals(address, second.address());
        assertEquals(List.of(1024L), device.mallocRequests);
        AllocatorStats stats = allocator.stats();
        assertEquals(1, stats.deviceMallocs());
        assertEquals(1, stats.cacheHits());
        assertEquals(1024, stats.allocatedBytes());
        assertEquals(0, stats.cachedBytes());
    }

    @Test
    void blocksAreNotSharedBetweenStreams() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer onOne = allocator.allocate(4096, 1);
        long address = onOne.address();
        onOne.close();
        DeviceBuffer onTwo = allocator.allocate(4096, 2);
        assertNotEquals(address, onTwo.address());
        assertEquals(2, allocator.stats().deviceMallocs());
        assertEquals(4096, allocator.stats().cachedBytes());   // stream 1's block waits for stream 1
        assertEquals(address, allocator.allocate(4096, 1).address());
    }

    @Test
    void theSmallestFittingBlockIsChosenUpToTwiceTheRequest() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer big = allocator.allocate(8 * KIB, 1);
        DeviceBuffer mid = allocator.allocate(5 * KIB, 1);
        DeviceBuffer small = allocator.allocate(2 * KIB, 1);
        long midAddress = mid.address();
        long bigAddress = big.address();
        big.close();
        mid.close();
        small.close();
        // 4 KiB: 2 KiB is too small, 5 KiB is the best fit (<= 8 KiB), 8 KiB would also fit
        DeviceBuffer reused = allocator.allocate(4 * KIB, 1);
        assertEquals(midAddress, reused.address());
        assertEquals(5 * KIB, reused.capacity());
        assertEquals(4 * KIB, reused.bytes());
        // 3 KiB: only 8 KiB is left at or above it, and 8 > 2 * 3 KiB, so a new block is allocated
        DeviceBuffer fresh = allocator.allocate(3 * KIB, 1);
        assertNotEquals(bigAddress, fresh.address());
        assertEquals(3 * KIB, fresh.capacity());
        assertEquals(4, allocator.stats().deviceMallocs());
    }

    @Test
    void aLargeRequestTakesThePieceOfACachedBlockItNeedsAndFreedPiecesMergeAgain() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer big = allocator.allocate(40 * MIB, 1);
        long segment = big.address();
        big.close();
        // 10 MiB and then 25 MiB come out of the cached 40 MiB segment, front first; 5 MiB stay free
        DeviceBuffer first = allocator.allocate(10 * MIB, 1);
        DeviceBuffer second = allocator.allocate(25 * MIB, 1);
        assertEquals(segment, first.address());
        assertEquals(segment + 10 * MIB, second.address());
        assertEquals(10 * MIB, first.capacity(), "the block is the request, not the segment");
        assertEquals(List.of(40 * MIB), device.mallocRequests);
        assertEquals(new AllocatorStats(35 * MIB, 5 * MIB, 40 * MIB, 1, 0, 2, 2, 0), allocator.stats());
        // a request that fits no free piece goes to the device
        DeviceBuffer third = allocator.allocate(6 * MIB, 1);
        assertEquals(List.of(40 * MIB, 6 * MIB), device.mallocRequests);
        // freed pieces merge: the whole segment is one free block again and emptyCache returns it
        first.close();
        assertEquals(0, allocator.emptyCache(), "part of the segment is still in use");
        second.close();
        third.close();
        assertEquals(46 * MIB, allocator.emptyCache());
        assertEquals(0, device.used());
        // less than 1 MiB left over is not split off: the block keeps it
        DeviceBuffer odd = allocator.allocate(3 * MIB + 1, 1); // a 4 MiB segment, 3 MiB + 512 B asked for
        assertEquals(4 * MIB, odd.capacity());
        odd.close();
        // closed, the allocator gives a segment back as soon as its last piece is closed
        DeviceBuffer a = allocator.allocate(10 * MIB, 1);
        DeviceBuffer b = allocator.allocate(20 * MIB, 1);
        allocator.close();
        a.close();
        assertTrue(device.used() > 0, "b is still in use");
        b.close();
        assertEquals(0, device.used());
    }

    @Test
    void smallAndLargeClassesDoNotMix() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        allocator.allocate(2 * MIB, 1).close();             // a large 2 MiB block is cached
        DeviceBuffer small = allocator.allocate(MIB, 1);    // 1 MiB: small class, 2 MiB <= 2 * 1 MiB but other class
        assertEquals(MIB, small.capacity());
        assertEquals(2, allocator.stats().deviceMallocs());
    }

    @Test
    void statisticsTrackAllocatedCachedAndPeak() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer a = allocator.allocate(3 * MIB, 1);    // a 4 MiB segment: a 3 MiB block and 1 MiB free
        DeviceBuffer b = allocator.allocate(100, 1);        // 512 B
        assertEquals(3 * MIB, a.capacity());
        assertEquals(new AllocatorStats(3 * MIB + 512, MIB, 3 * MIB + 512, 2, 0, 0, 2, 0), allocator.stats());
        a.close();
        a.close();                                          // idempotent: counted once
        assertEquals(new AllocatorStats(512, 4 * MIB, 3 * MIB + 512, 2, 0, 0, 1, 0), allocator.stats());
        assertEquals(4 * MIB + 512, allocator.stats().reservedBytes());
        allocator.resetPeak();
        assertEquals(512, allocator.stats().peakAllocatedBytes());
        assertThrows(IllegalStateException.class, a::address);
        b.close();
    }

    @Test
    void emptyCacheFreesCachedBlocksButNotLiveOnes() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer live = allocator.allocate(MIB, 1);
        allocator.allocate(4 * MIB, 1).close();
        allocator.allocate(512, 2).close();
        assertEquals(4 * MIB + 512, allocator.emptyCache());
        assertEquals(MIB, device.used());
        // peak: 1 MiB live + 4 MiB before that block was closed; the 512 B came after
        assertEquals(new AllocatorStats(MIB, 0, 5 * MIB, 3, 2, 0, 1, 0), allocator.stats());
        allocator.close();
        live.close();                                        // after close, straight back to the device
        assertEquals(0, device.used());
        assertThrows(IllegalStateException.class, () -> allocator.allocate(1, 1));
    }

    @Test
    void outOfMemoryRunsTheGarbageCollectorThenEmptiesTheCacheAndRetries() {
        FakeDeviceMemory device = new FakeDeviceMemory(10 * MIB);
        CachingAllocator allocator = new CachingAllocator(device);
        allocator.allocate(6 * MIB, 1).close();             // 6 MiB cached on stream 1
        DeviceBuffer onTwo = allocator.allocate(8 * MIB, 2); // 6 + 8 > 10: fails, after the GC too; cache emptied, fits
        assertEquals(8 * MIB, onTwo.capacity());
        assertEquals(List.of(6 * MIB, 8 * MIB, 8 * MIB, 8 * MIB), device.mallocRequests);
        assertEquals(new AllocatorStats(8 * MIB, 0, 8 * MIB, 2, 1, 0, 1, 1), allocator.stats());
    }

    /**
     * A buffer whose owner (a tensor's storage, in the backend) became garbage without closing it comes back
     * through its cleaner when the device is full: the request is served from the cache, with no new device
     * allocation and no emptying of the cache.
     */
    @Test
    void theBlockOfABufferWhoseOwnerBecameUnreachableIsReusedWhenTheDeviceIsFull() {
        FakeDeviceMemory device = new FakeDeviceMemory(10 * MIB);
        CachingAllocator allocator = new CachingAllocator(device);
        allocateForAnOwnerThatIsDropped(allocator, 8 * MIB);
        DeviceBuffer next = allocator.allocate(8 * MIB, 1); // 8 + 8 > 10 until the dropped one comes back
        assertEquals(8 * MIB, next.capacity());
        assertEquals(List.of(8 * MIB, 8 * MIB), device.mallocRequests, "one failed malloc, then the reclaimed block");
        AllocatorStats stats = allocator.stats();
        assertEquals(1, stats.cacheHits());
        assertEquals(1, stats.liveBuffers());
        assertEquals(1, stats.garbageCollections());
        assertEquals(0, stats.deviceFrees());
    }

    /** The owner lives only in this frame, so it is unreachable once the method returns. */
    private static void allocateForAnOwnerThatIsDropped(CachingAllocator allocator, long bytes) {
        Object owner = new Object();
        allocator.allocate(bytes, 1).releaseWhenUnreachable(owner);
    }

    @Test
    void aBufferClosedByHandIsNotReleasedAgainByItsOwnersCleaner() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        Object owner = new Object();
        DeviceBuffer buffer = allocator.allocate(MIB, 1);
        buffer.releaseWhenUnreachable(owner);
        buffer.close();
        buffer.close();
        assertEquals(0, allocator.stats().liveBuffers());
        assertEquals(MIB, allocator.stats().cachedBytes(), "released once");
        assertThrows(IllegalStateException.class, () -> buffer.releaseWhenUnreachable(new Object()));
        java.lang.ref.Reference.reachabilityFence(owner);
    }

    @Test
    void outOfMemoryAfterTheRetryThrowsWithRequestedFreeTotalAndAllocatorBytes() {
        FakeDeviceMemory device = new FakeDeviceMemory(10 * MIB);
        CachingAllocator allocator = new CachingAllocator(device);
        DeviceBuffer live = allocator.allocate(4 * MIB, 1);
        allocator.allocate(2 * MIB, 1).close();             // 2 MiB cached
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> allocator.allocate(7 * MIB, 1));      // rounds to 8 MiB; 10 - 4 = 6 MiB free after emptying
        assertEquals("CUDA out of memory: tried to allocate 7.00 MiB (7340032 bytes, rounded to 8388608) on stream 1;"
                + " the device has 6.00 MiB free of 10.00 MiB total; this allocator has 4.00 MiB allocated to live"
                + " buffers and had 2.00 MiB cached (released before the retry)", e.getMessage());
        assertEquals(CUresult.CUDA_ERROR_OUT_OF_MEMORY, e.errorCode());
        assertEquals(7 * MIB, e.requestedBytes());
        assertEquals(6 * MIB, e.freeBytes());
        assertEquals(10 * MIB, e.totalBytes());
        assertEquals(4 * MIB, e.allocatedBytes());
        assertEquals(2 * MIB, e.cachedBytes());
        assertInstanceOf(CudaException.class, e.getCause());
        assertEquals(List.of(4 * MIB, 2 * MIB, 8 * MIB, 8 * MIB, 8 * MIB), device.mallocRequests); // after the GC, after emptying
        live.close();
    }

    @Test
    void otherDriverErrorsAreNotRetried() {
        FakeDeviceMemory device = new FakeDeviceMemory(GIB);
        CachingAllocator allocator = new CachingAllocator(device);
        allocator.allocate(512, 1).close();
        device.failWith = CUresult.CUDA_ERROR_INVALID_CONTEXT;
        CudaException e = assertThrows(CudaException.class, () -> allocator.allocate(MIB * 3, 1));
        assertEquals(CUresult.CUDA_ERROR_INVALID_CONTEXT, e.errorCode());
        assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_CONTEXT"), e.getMessage());
        assertEquals(List.of(512L, 4 * MIB), device.mallocRequests);   // one attempt, no retry
        assertEquals(512, allocator.stats().cachedBytes());  // cache untouched
    }

    @Test
    void byteCountsFormatLikePyTorch() {
        assertEquals("512 B", CudaOutOfMemoryException.format(512));
        assertEquals("1.50 KiB", CudaOutOfMemoryException.format(1536));
        assertEquals("79.19 GiB", CudaOutOfMemoryException.format(85_030_000_000L));
    }
}
