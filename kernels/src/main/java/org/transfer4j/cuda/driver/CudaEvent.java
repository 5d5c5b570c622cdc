package org.transfer4j.cuda.driver;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * A CUDA event: a marker recorded on a stream, to wait for or to time the work between two of them
 * (created with {@code CU_EVENT_DEFAULT}, so timing is on).
 */
public final class CudaEvent implements AutoCloseable {

    private final CUevent handle;
    private boolean closed;

    private CudaEvent(CUevent handle) {
        this.handle = handle;
    }

    /** Creates an event in {@code context} ({@code cuEventCreate}). */
    public static CudaEvent create(CudaContext context) {
        context.makeCurrent();
        CUevent handle = new CUevent();
        CudaException.check(JCudaDriver.cuEventCreate(handle, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        return new CudaEvent(handle);
    }

    /** Records this event on {@code stream}: it completes when the work queued before it has. */
    public void record(CudaStream stream) {
        checkOpen();
        CudaException.check(JCudaDriver.cuEventRecord(handle, stream.handle()), "cuEventRecord(" + stream + ")");
    }

    /** Waits until this event has completed ({@code cuEventSynchronize}). */
    public void synchronize() {
        checkOpen();
        CudaException.check(JCudaDriver.cuEventSynchronize(handle), "cuEventSynchronize");
    }

    /**
     * The milliseconds from {@code start} to this event, both recorded and this one completed
     * ({@code cuEventElapsedTime}, resolution about 0.5 microseconds).
     */
    public float millisSince(CudaEvent start) {
        checkOpen();
        float[] ms = new float[1];
        CudaException.check(JCudaDriver.cuEventElapsedTime(ms, start.handle, handle), "cuEventElapsedTime");
        return ms[0];
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("event is closed");
        }
    }

    /** Destroys the event; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaException.check(JCudaDriver.cuEventDestroy(handle), "cuEventDestroy");
        }
    }
}
