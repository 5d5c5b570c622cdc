package org.transfer4j.cuda.memory;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.transfer4j.cuda.driver.DevicePointer;

/**
 * A block of device memory from a {@link CachingAllocator}, owned by whoever allocated it until
 * {@link #close()}, which gives it back to the allocator's cache for its stream (not to the device).
 * Use it on the stream it was allocated for: its block may be handed to the next request on that
 * stream as soon as it is closed, which stream order makes safe; work on another stream must be
 * synchronised before closing.
 *
 * <p>A buffer behind a tensor is rarely closed by hand: tensors are garbage, like any Java object, once
 * the autograd graph and the caller drop them. {@link #releaseWhenUnreachable(Object)} ties the buffer to
 * such an owner: when the owner becomes unreachable, a {@link Cleaner} closes the buffer. The allocator
 * runs the garbage collector when the device is full ({@link CachingAllocator#allocate(long, long)}), as
 * {@code java.nio} does for direct buffers, because the JVM does not see device memory on its own.
 */
public final class DeviceBuffer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CachingAllocator allocator;
    private final long address;
    private final long bytes;
    private final long capacity;
    private final long streamId;
    private final AtomicBoolean closed = new AtomicBoolean(); // closed by its owner's thread or by the cleaner's
    private Cleaner.Cleanable cleanable;

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
        return closed.get();
    }

    /**
     * Closes this buffer once {@code owner} (e.g. the tensor storage that holds it) has become unreachable,
     * if it was not closed before. The owner must hold this buffer, not the other way round: the cleaner keeps
     * the buffer reachable until then. Call at most once.
     */
    public void releaseWhenUnreachable(Object owner) {
        if (cleanable != null) {
            throw new IllegalStateException(this + " already has an owner");
        }
        cleanable = CLEANER.register(owner, this::close);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes is closed");
        }
    }

    /** Returns the block to the allocator; idempotent, and safe against the cleaner closing it at the same time. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            allocator.release(address, capacity, streamId);
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[0x" + Long.toHexString(address) + ", " + bytes + " of " + capacity + " bytes, stream "
                + streamId + (isClosed() ? ", closed]" : "]");
    }
}
