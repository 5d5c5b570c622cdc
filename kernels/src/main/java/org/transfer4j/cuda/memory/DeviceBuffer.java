package org.transfer4j.cuda.memory;

import org.transfer4j.cuda.driver.DevicePointer;

/**
 * A block of device memory from a {@link CachingAllocator}, owned by whoever allocated it until
 * {@link #close()}, which gives it back to the allocator's cache for its stream (not to the device).
 * Use it on the stream it was allocated for: its block may be handed to the next request on that
 * stream as soon as it is closed, which stream order makes safe; work on another stream must be
 * synchronised before closing.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CachingAllocator allocator;
    private final long address;
    private final long bytes;
    private final long capacity;
    private final long streamId;
    private boolean closed;

    DeviceBuffer(CachingAllocator allocator, long address, long bytes, long capacity, long streamId) {
        this.allocator = allocator;
        this.address = address;
        this.bytes = bytes;
        this.capacity = capacity;
        this.streamId = streamId;
    }

    /** The device address of the first byte. */
    public long address() {
        checkOpen();
        return address;
    }

    /** A JCuda pointer to the first byte, for copies and {@link org.transfer4j.cuda.driver.KernelArgs#pointer}. */
    public DevicePointer pointer() {
        return DevicePointer.at(address());
    }

    /** The bytes asked for. */
    public long bytes() {
        return bytes;
    }

    /** The bytes of the block behind it (the size class, at least {@link #bytes()}). */
    public long capacity() {
        return capacity;
    }

    /** The id of the stream it belongs to. */
    public long streamId() {
        return streamId;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes is closed");
        }
    }

    /** Returns the block to the allocator; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            allocator.release(address, capacity, streamId);
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[0x" + Long.toHexString(address) + ", " + bytes + " of " + capacity + " bytes, stream "
                + streamId + (closed ? ", closed]" : "]");
    }
}
