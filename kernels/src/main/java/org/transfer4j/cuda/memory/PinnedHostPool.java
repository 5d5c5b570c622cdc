package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A simple pool of pinned host buffers for uploads and downloads. Pinning is slow (it maps and locks
 * pages), so buffers are kept and reused: a request is rounded up to a power of two of at least
 * {@value #MIN_BYTES} bytes (64 KiB) and at most {@value #MAX_BYTES} (1 GiB, below a
 * {@link ByteBuffer}'s 2 GiB limit; larger transfers go in chunks), and a released buffer waits in the
 * list of its size for the next request of that size. Thread-safe.
 */
public final class PinnedHostPool implements AutoCloseable {

    /** The smallest pinned buffer: 64 KiB. */
    public static final int MIN_BYTES = 1 << 16;
    /** The largest pinned buffer: 1 GiB. */
    public static final int MAX_BYTES = 1 << 30;

    /** A pinned buffer lent by the pool until {@link #close()}. */
    public final class Lease implements AutoCloseable {
        private final ByteBuffer block;
        private final int bytes;
        private boolean closed;

        private Lease(ByteBuffer block, int bytes) {
            this.block = block;
            this.bytes = bytes;
        }

        /** The buffer: position 0, limit the bytes asked for, little-endian (the GPU's byte order). */
        public ByteBuffer buffer() {
            if (closed) {
                throw new IllegalStateException("pinned buffer was returned to the pool");
            }
            return block.duplicate().clear().limit(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** The bytes of the pinned block behind it. */
        public int capacity() {
            return block.capacity();
        }

        /** Returns the buffer to the pool; idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(block);
            }
        }
    }

    private final PinnedHostMemory memory;
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long cachedBytes;
    private long inUseBytes;
    private long hostAllocs;
    private boolean closed;

    /** A pool over {@code memory} ({@link JCudaPinnedHostMemory} in production). */
    public PinnedHostPool(PinnedHostMemory memory) {
        this.memory = memory;
    }

    /** The block size of a request: the next power of two, at least 64 KiB. */
    public static int roundSize(long bytes) {
        if (bytes < 0 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("pinned buffers hold 0.." + MAX_BYTES + " bytes, asked for " + bytes);
        }
        return (int) Math.max(MIN_BYTES, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
    }

    /** A pinned buffer of at least {@code bytes} bytes, reused when one of its size is free. */
    public synchronized Lease acquire(long bytes) {
        if (closed) {
            throw new IllegalStateException("pinned host pool is closed");
        }
        int size = roundSize(bytes);
        ArrayDeque<ByteBuffer> list = free.get(size);
        ByteBuffer block;
        if (list != null && !list.isEmpty()) {
            block = list.pop();
            cachedBytes -= size;
        } else {
            block = memory.alloc(size);
            hostAllocs++;
        }
        inUseBytes += size;
        return new Lease(block, (int) bytes);
    }

    private synchronized void release(ByteBuffer block) {
        inUseBytes -= block.capacity();
        if (closed) {
            memory.free(block);
            return;
        }
        free.computeIfAbsent(block.capacity(), k -> new ArrayDeque<>()).push(block);
        cachedBytes += block.capacity();
    }

    /** Frees every cached buffer; returns the bytes released. */
    public synchronized long emptyCache() {
        long released = 0;
        for (ArrayDeque<ByteBuffer> list : free.values()) {
            for (ByteBuffer block : list) {
                memory.free(block);
                released += block.capacity();
            }
        }
        free.clear();
        cachedBytes -= released;
        return released;
    }

    /** Bytes of pinned buffers waiting in the pool. */
    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Bytes of pinned buffers lent out. */
    public synchronized long inUseBytes() {
        return inUseBytes;
    }

    /** How many pinned allocations the pool has made. */
    public synchronized long hostAllocs() {
        return hostAllocs;
    }

    /** Frees the cached buffers and stops caching (lent buffers are freed when returned); idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            emptyCache();
            closed = true;
        }
    }
}
