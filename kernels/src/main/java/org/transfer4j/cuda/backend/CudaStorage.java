package org.transfer4j.cuda.backend;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Storage;
import org.transfer4j.cuda.memory.DeviceBuffer;

/**
 * Device storage: {@code size} float32 elements in a {@link DeviceBuffer} of the backend's caching
 * allocator, on the backend's stream. Closing gives the block back to the allocator's cache for that
 * stream (not to the driver): work already queued on the stream that reads it still runs before any
 * later use of the block, so closing never waits. A storage that becomes garbage without being closed
 * (the usual end of an activation or a gradient) gives its block back through a cleaner
 * ({@link DeviceBuffer#releaseWhenUnreachable}).
 */
public final class CudaStorage implements Storage {
    private final CudaBackend backend;
    private final DeviceBuffer buffer;
    private final long size;

    CudaStorage(CudaBackend backend, DeviceBuffer buffer, long size) {
        this.backend = backend;
        this.buffer = buffer;
        this.size = size;
        buffer.releaseWhenUnreachable(this); // a tensor nobody holds any more gives its block back
    }

    /** The device address of element 0; throws when closed. */
    public long address() {
        if (buffer.isClosed()) {
            throw new IllegalStateException("CUDA storage of " + size + " floats was closed");
        }
        return buffer.address();
    }

    /** The buffer behind this storage. */
    DeviceBuffer buffer() {
        return buffer;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isClosed() {
        return buffer.isClosed();
    }

    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "CudaStorage[" + size + " floats on " + backend.device() + (isClosed() ? ", closed]" : "]");
    }
}
