package org.transfer4j.cuda.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The large-block pool under random allocations and frees, checked against the plain facts: blocks in use never
 * overlap and lie inside the device's allocations, the allocator's counts add up to what is in use and cached, and
 * once everything is closed every segment goes back to the device.
 */
class LargeBlocksTest {
    private static final long MIB = 1L << 20;

    @Test
    void randomTrafficNeverOverlapsAndAccountsForEveryByte() {
        FakeDeviceMemory device = new FakeDeviceMemory(1L << 40);
        CachingAllocator allocator = new CachingAllocator(device);
        SplittableRandom random = new SplittableRandom(7);
        List<DeviceBuffer> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (live.isEmpty() || random.nextInt(100) < 55) {
                long bytes = random.nextInt(100) < 20 ? random.nextLong(1, MIB) : random.nextLong(MIB + 1, 64 * MIB);
                DeviceBuffer b = allocator.allocate(bytes, random.nextInt(2));
                assertTrue(b.capacity() >= bytes);
                live.add(b);
            } else {
                live.remove(random.nextInt(live.size())).close();
            }
            if (i % 500 == 0) {
                checkNoOverlap(live);
                long inUse = live.stream().mapToLong(DeviceBuffer::capacity).sum();
                AllocatorStats stats = allocator.stats();
                assertEquals(inUse, stats.allocatedBytes());
                assertEquals(device.used(), stats.reservedBytes(), "every device byte is in use or cached");
            }
            if (i % 5000 == 4999) {
                allocator.emptyCache();
                assertEquals(device.used(), allocator.stats().reservedBytes());
            }
        }
        live.forEach(DeviceBuffer::close);
        allocator.emptyCache();
        assertEquals(0, device.used(), "every segment went back");
        assertEquals(0, allocator.stats().allocatedBytes());
        assertEquals(0, allocator.stats().cachedBytes());
    }

    /** No two live buffers share a byte. */
    private static void checkNoOverlap(List<DeviceBuffer> live) {
        TreeMap<Long, Long> byStart = new TreeMap<>();
        Map<Long, Long> seen = new HashMap<>();
        for (DeviceBuffer b : live) {
            assertEquals(null, seen.put(b.address(), b.capacity()), "two buffers at one address");
            byStart.put(b.address(), b.address() + b.capacity());
        }
        long end = Long.MIN_VALUE;
        for (Map.Entry<Long, Long> e : byStart.entrySet()) {
            assertTrue(e.getKey() >= end, "overlapping blocks at 0x" + Long.toHexString(e.getKey()));
            end = e.getValue();
        }
    }
}
