package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.driver.CudaContext;
import org.transfer4j.cuda.driver.CudaException;

/** {@link PinnedHostMemory} through {@code cuMemHostAlloc} (flags 0) and {@code cuMemFreeHost}. */
public final class JCudaPinnedHostMemory implements PinnedHostMemory {

    private final CudaContext context;
    /** The pointer JCuda filled in for each buffer, which cuMemFreeHost wants back. */
    private final Map<ByteBuffer, Pointer> pointers = new IdentityHashMap<>();

    /** Pinned memory of {@code context} (made current for each call). */
    public JCudaPinnedHostMemory(CudaContext context) {
        this.context = context;
    }

    @Override
    public synchronized ByteBuffer alloc(int bytes) {
        context.makeCurrent();
        Pointer pointer = new Pointer();
        CudaException.check(JCudaDriver.cuMemHostAlloc(pointer, bytes, 0), "cuMemHostAlloc(" + bytes + " bytes)");
        ByteBuffer buffer = pointer.getByteBuffer(0, bytes);
        pointers.put(buffer, pointer);
        return buffer;
    }

    @Override
    public synchronized void free(ByteBuffer buffer) {
        Pointer pointer = pointers.remove(buffer);
        if (pointer == null) {
            throw new IllegalArgumentException("not a buffer of this pinned memory: " + buffer);
        }
        context.makeCurrent();
        CudaException.check(JCudaDriver.cuMemFreeHost(pointer), "cuMemFreeHost(" + buffer.capacity() + " bytes)");
    }
}
