package org.transfer4j.cuda.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinnedHostPoolTest {

    /** Direct buffers standing in for cuMemHostAlloc. */
    private static final class FakePinned implements PinnedHostMemory {
        final List<ByteBuffer> allocated = new ArrayList<>();
        final List<ByteBuffer> freed = new ArrayList<>();

        @Override
        public ByteBuffer alloc(int bytes) {
            ByteBuffer b = ByteBuffer.allocateDirect(bytes);
            allocated.add(b);
            return b;
        }

        @Override
        public void free(ByteBuffer buffer) {
            freed.add(buffer);
        }
    }

    @Test
    void sizesRoundToPowersOfTwoFrom64KiB() {
        assertEquals(65_536, PinnedHostPool.roundSize(0));
        assertEquals(65_536, PinnedHostPool.roundSize(65_536));
        assertEquals(131_072, PinnedHostPool.roundSize(65_537));
        assertEquals(1 << 30, PinnedHostPool.roundSize(1 << 30));
        assertThrows(IllegalArgumentException.class, () -> PinnedHostPool.roundSize((1L << 30) + 1));
    }

    @Test
    void aReturnedBufferIsReusedForTheSameSizeClass() {
        FakePinned memory = new FakePinned();
        PinnedHostPool pool = new PinnedHostPool(memory);
        PinnedHostPool.Lease first = pool.acquire(100_000);
        ByteBuffer view = first.buffer();
        assertEquals(0, view.position());
        assertEquals(100_000, view.limit());
        assertEquals(ByteOrder.LITTLE_ENDIAN, view.order());
        assertEquals(131_072, first.capacity());
        first.close();
        assertEquals(131_072, pool.cachedBytes());
        PinnedHostPool.Lease second = pool.acquire(70_000);   // same class, 128 KiB
        assertEquals(1, pool.hostAllocs());
        assertEquals(131_072, pool.inUseBytes());
        PinnedHostPool.Lease other = pool.acquire(10);         // 64 KiB: a new one
        assertEquals(2, pool.hostAllocs());
        assertSame(memory.allocated.get(0), memory.allocated.get(0));
        assertNotSame(memory.allocated.get(0), memory.allocated.get(1));
        second.close();
        other.close();
        assertThrows(IllegalStateException.class, second::buffer);
    }

    @Test
    void emptyCacheAndCloseFreeTheBuffers() {
        FakePinned memory = new FakePinned();
        PinnedHostPool pool = new PinnedHostPool(memory);
        pool.acquire(1).close();
        PinnedHostPool.Lease held = pool.acquire(200_000);
        assertEquals(65_536, pool.emptyCache());
        assertEquals(List.of(memory.allocated.get(0)), memory.freed);
        pool.close();
        held.close();                                            // freed on return once closed
        assertEquals(2, memory.freed.size());
        assertEquals(0, pool.inUseBytes());
        assertThrows(IllegalStateException.class, () -> pool.acquire(1));
    }
}
