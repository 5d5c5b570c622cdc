package org.transfer4j.cuda.driver;

import jcuda.driver.CUcontext;
import jcuda.driver.JCudaDriver;

/**
 * The primary context of a device, retained for as long as this object is open: the context the
 * CUDA runtime (and so cuBLAS, cuDNN and PyTorch in the same process) uses too, so that memory and
 * streams are shared with them ({@code cuDevicePrimaryCtxRetain}). Driver calls act on the calling
 * thread's current context: {@link #primary} makes it current on the creating thread, and another
 * thread calls {@link #makeCurrent()} first.
 */
public final class CudaContext implements AutoCloseable {
    /**
     * The context {@link #makeCurrent} last made current on each thread. Every op of a backend asks for its context
     * first, and {@code cuCtxSetCurrent} is a driver call through JNI: when the thread's context is already this one
     * (nothing in transfer4j sets a context any other way) there is nothing to do.
     */
    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    private final CudaDevice device;
    private final CUcontext handle;
    private boolean closed;

    private CudaContext(CudaDevice device, CUcontext handle) {
        this.device = device;
        this.handle = handle;
    }

    /**
     * Retains the primary context of {@code device} and makes it current on this thread.
     *
     * @throws CudaException when the driver refuses
     */
    public static CudaContext primary(CudaDevice device) {
        CudaDriver.initialise();
        CUcontext handle = new CUcontext();
        CudaException.check(JCudaDriver.cuDevicePrimaryCtxRetain(handle, device.handle()),
                "cuDevicePrimaryCtxRetain(device " + device.ordinal() + ")");
        CudaContext context = new CudaContext(device, handle);
        context.makeCurrent();
        return context;
    }

    /**
     * Retains the primary context of the device of {@code ordinal} ({@link CudaDevice#get}).
     *
     * @throws CudaUnavailableException when CUDA cannot be used here, with the reason
     * @throws IllegalArgumentException when there is no such device
     */
    public static CudaContext primary(int ordinal) {
        return primary(CudaDevice.get(ordinal));
    }

    /** Makes this context current on the calling thread ({@code cuCtxSetCurrent}, unless this thread's already is). */
    public void makeCurrent() {
        checkOpen();
        if (CURRENT.get() == this) {
            return;
        }
        int status = JCudaDriver.cuCtxSetCurrent(handle);
        if (status != CudaException.SUCCESS) {
            CudaException.check(status, "cuCtxSetCurrent(device " + device.ordinal() + ")");
        }
        CURRENT.set(this);
    }

    /** Waits for all work in this context ({@code cuCtxSynchronize}); an asynchronous kernel fault surfaces here. */
    public void synchronize() {
        makeCurrent();
        CudaException.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize(device " + device.ordinal() + ")");
    }

    /** The device. */
    public CudaDevice device() {
        return device;
    }

    /** JCuda's handle. */
    public CUcontext handle() {
        return handle;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the context of " + device + " is closed");
        }
    }

    /** Releases the primary context ({@code cuDevicePrimaryCtxRelease}); idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
            CudaException.check(JCudaDriver.cuDevicePrimaryCtxRelease(device.handle()),
                    "cuDevicePrimaryCtxRelease(device " + device.ordinal() + ")");
        }
    }
}
