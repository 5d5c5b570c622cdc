package org.transfer4j.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Device memory for the GPU tests of the cuBLAS/cuDNN bindings, through an FFM binding of the CUDA
 * runtime ({@code libcudart}): {@code cudaMalloc}, {@code cudaMemcpy}, {@code cudaMemset},
 * {@code cudaFree}, {@code cudaDeviceSynchronize}. Test-only on purpose: the product's device memory
 * is the driver layer's (JCuda, {@code org.transfer4j.cuda.memory}); the runtime shares the device's
 * primary context with it and with cuBLAS/cuDNN.
 */
public final class CudaRuntimeForTests implements AutoCloseable {

    static final Prototype MALLOC = Prototype.parse("cudaError_t cudaMalloc(void **devPtr, size_t size)");
    static final Prototype FREE = Prototype.parse("cudaError_t cudaFree(void *devPtr)");
    static final Prototype MEMCPY = Prototype.parse("cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)");
    static final Prototype MEMSET = Prototype.parse("cudaError_t cudaMemset(void *devPtr, int value, size_t count)");
    static final Prototype SYNCHRONIZE = Prototype.parse("cudaError_t cudaDeviceSynchronize(void)");
    static final Prototype VERSION = Prototype.parse("cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)");
    static final Prototype ERROR_NAME = Prototype.parse("const char* cudaGetErrorName(cudaError_t error)");
    /** Every runtime prototype bound here, for the signature check. */
    public static final List<Prototype> PROTOTYPES = List.of(MALLOC, FREE, MEMCPY, MEMSET, SYNCHRONIZE, VERSION, ERROR_NAME);

    /** {@code cudaMemcpyHostToDevice}, {@code cudaMemcpyDeviceToHost} (driver_types.h). */
    private static final int HOST_TO_DEVICE = 1, DEVICE_TO_HOST = 2;

    private final Downcall malloc, free, memcpy, memset, synchronize, errorName;
    private final List<Long> allocations = new java.util.ArrayList<>();

    public CudaRuntimeForTests() {
        NativeLibrary cudart = NativeLibraryLoader.load(NativeLibraryLoader.CUDART);
        malloc = cudart.downcall(MALLOC);
        free = cudart.downcall(FREE);
        memcpy = cudart.downcall(MEMCPY);
        memset = cudart.downcall(MEMSET);
        synchronize = cudart.downcall(SYNCHRONIZE);
        errorName = cudart.downcall(ERROR_NAME);
    }

    /** {@code bytes} of device memory (freed by {@link #close()}). */
    public long malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check((int) malloc.handle().invokeExact(out, Math.max(bytes, 4)), "cudaMalloc(" + bytes + ")");
            long address = out.get(ValueLayout.ADDRESS, 0).address();
            allocations.add(address);
            return address;
        } catch (Throwable t) {
            throw asRuntime(t);
        }
    }

    /** A device copy of {@code data}. */
    public long upload(float[] data) {
        long d = malloc(4L * data.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data);
            check((int) memcpy.handle().invokeExact(MemorySegment.ofAddress(d), host, 4L * data.length, HOST_TO_DEVICE), "cudaMemcpy H2D");
            return d;
        } catch (Throwable t) {
            throw asRuntime(t);
        }
    }

    /** {@code count} floats of device memory set to zero. */
    public long zeros(int count) {
        long d = malloc(4L * count);
        try {
            check((int) memset.handle().invokeExact(MemorySegment.ofAddress(d), 0, 4L * count), "cudaMemset");
            return d;
        } catch (Throwable t) {
            throw asRuntime(t);
        }
    }

    /** Synchronizes the device, then copies {@code count} floats back. */
    public float[] download(long device, int count) {
        try (Arena arena = Arena.ofConfined()) {
            check((int) synchronize.handle().invokeExact(), "cudaDeviceSynchronize");
            MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            check((int) memcpy.handle().invokeExact(host, MemorySegment.ofAddress(device), 4L * count, DEVICE_TO_HOST), "cudaMemcpy D2H");
            return host.toArray(ValueLayout.JAVA_FLOAT);
        } catch (Throwable t) {
            throw asRuntime(t);
        }
    }

    @Override
    public void close() {
        try {
            for (long a : allocations) {
                check((int) free.handle().invokeExact(MemorySegment.ofAddress(a)), "cudaFree");
            }
            allocations.clear();
        } catch (Throwable t) {
            throw asRuntime(t);
        }
    }

    private void check(int status, String call) throws Throwable {
        if (status != 0) {
            MemorySegment name = (MemorySegment) errorName.handle().invokeExact(status);
            throw new IllegalStateException(call + " failed with " + name.reinterpret(128).getString(0) + " (" + status + ")");
        }
    }

    private static RuntimeException asRuntime(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
