package org.transfer4j.cuda.memory;

import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.driver.CudaContext;
import org.transfer4j.cuda.driver.CudaException;
import org.transfer4j.cuda.driver.DevicePointer;

/**
 * {@link DeviceMemory} through JCuda's {@code cuMemAlloc}, {@code cuMemFree} and {@code cuMemGetInfo}
 * in one context, made current on the calling thread before each call.
 */
public final class JCudaDeviceMemory implements DeviceMemory {

    private final CudaContext context;

    /** The device memory of {@code context}. */
    public JCudaDeviceMemory(CudaContext context) {
        this.context = context;
    }

    @Override
    public long malloc(long bytes) {
        context.makeCurrent();
        DevicePointer pointer = new DevicePointer();
        CudaException.check(JCudaDriver.cuMemAlloc(pointer, bytes), "cuMemAlloc(" + bytes + " bytes)");
        return pointer.address();
    }

    @Override
    public void free(long address) {
        context.makeCurrent();
        DevicePointer pointer = DevicePointer.at(address);
        CudaException.check(JCudaDriver.cuMemFree(pointer), "cuMemFree(" + pointer + ")");
    }

    @Override
    public Info memGetInfo() {
        context.makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaException.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new Info(free[0], total[0]);
    }
}
