package org.transfer4j.cuda.driver;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * A CUDA stream: launches and copies on one stream run in order. Created with
 * {@code CU_STREAM_DEFAULT} flags, so it also orders against the legacy default stream (the one
 * JCuda's synchronous calls use); a stream per worker that must overlap another would be
 * {@code CU_STREAM_NON_BLOCKING}, which nothing here needs yet.
 *
 * <p>{@link #id()} is a process-unique number the caching allocator keys its free lists on.
 */
public final class CudaStream implements AutoCloseable {

    private static final AtomicLong IDS = new AtomicLong();

    private final CudaContext context;
    private final CUstream handle;
    private final long id;
    private boolean closed;

    private CudaStream(CudaContext context, CUstream handle) {
        this.context = context;
        this.handle = handle;
        this.id = IDS.incrementAndGet();
    }

    /** Creates a stream in {@code context} ({@code cuStreamCreate}). */
    public static CudaStream create(CudaContext context) {
        context.makeCurrent();
        CUstream handle = new AddressableStream();
        CudaException.check(JCudaDriver.cuStreamCreate(handle, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        return new CudaStream(context, handle);
    }

    /** Waits until all work queued on this stream has finished ({@code cuStreamSynchronize}). */
    public void synchronize() {
        checkOpen();
        CudaException.check(JCudaDriver.cuStreamSynchronize(handle), "cuStreamSynchronize(stream " + id + ")");
    }

    /**
     * Queues a copy of {@code bytes} bytes from host memory to the device. {@code src} must be a
     * direct buffer (copied from its start, whatever its position; {@code bytes} at most its limit), pinned for the copy to be asynchronous (a pinned buffer of the allocator's host
     * pool); it must stay unchanged until the stream has passed the copy.
     */
    public void copyHostToDevice(DevicePointer dst, ByteBuffer src, long bytes) {
        checkCopy(src, bytes);
        CudaException.check(JCudaDriver.cuMemcpyHtoDAsync(dst, start(src), bytes, handle),
                "cuMemcpyHtoDAsync(" + bytes + " bytes to " + dst + ", stream " + id + ")");
    }

    /** Queues a copy of {@code bytes} bytes from the device into the direct (pinned) buffer {@code dst}. */
    public void copyDeviceToHost(ByteBuffer dst, DevicePointer src, long bytes) {
        checkCopy(dst, bytes);
        CudaException.check(JCudaDriver.cuMemcpyDtoHAsync(start(dst), src, bytes, handle),
                "cuMemcpyDtoHAsync(" + bytes + " bytes from " + src + ", stream " + id + ")");
    }

    private void checkCopy(ByteBuffer host, long bytes) {
        checkOpen();
        checkHostBuffer(host, bytes);
    }

    /**
     * A pointer to the start of the buffer whatever its position (JCuda's treatment of a position varies by call).
     * The slice ends at the limit, not the capacity: a pinned pool lease is a block of its size class limited to
     * the bytes asked for, and {@code slice(index, length)} is checked against the limit.
     */
    static Pointer start(ByteBuffer host) {
        return Pointer.to(host.slice(0, host.limit()));
    }

    /** The host side of a copy: a direct buffer whose limit holds {@code bytes}. */
    static void checkHostBuffer(ByteBuffer host, long bytes) {
        if (!host.isDirect()) {
            throw new IllegalArgumentException("asynchronous copies need a direct (pinned) host buffer");
        }
        if (bytes < 0 || bytes > host.limit()) {
            throw new IllegalArgumentException("copy of " + bytes + " bytes does not fit the host buffer of "
                    + host.limit() + " bytes (its limit)");
        }
    }

    /** The process-unique id of this stream. */
    public long id() {
        return id;
    }

    /** The context. */
    public CudaContext context() {
        return context;
    }

    /**
     * The raw {@code CUstream} address, what cuBLAS ({@code cublasSetStream_v2}) and cuDNN
     * ({@code cudnnSetStream}) take through FFM: the runtime's {@code cudaStream_t} is the same handle.
     */
    public long address() {
        checkOpen();
        return ((AddressableStream) handle).address();
    }

    /** A JCuda stream handle whose native address can be read (JCuda keeps it in a protected field, as for {@link DevicePointer}). */
    private static final class AddressableStream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    /** JCuda's handle. */
    public CUstream handle() {
        checkOpen();
        return handle;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("stream " + id + " is closed");
        }
    }

    /** Destroys the stream ({@code cuStreamDestroy}; queued work still completes); idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaException.check(JCudaDriver.cuStreamDestroy(handle), "cuStreamDestroy(stream " + id + ")");
        }
    }

    @Override
    public String toString() {
        return "CudaStream[" + id + "]";
    }
}
