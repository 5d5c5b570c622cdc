package org.transfer4j.cuda.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.transfer4j.cuda.ffm.NativeLibraryLoader;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * {@code cuLaunchKernel} called through Java FFM on the driver library ({@code libcuda.so.1}) instead of
 * JCuda's JNI. JCuda turns each argument's Java array into a native pointer in the call, a JNI round trip per
 * argument; here the arguments are copied into one reused native block (a 16-byte-aligned slot per argument,
 * then the array of pointers to the slots: the driver copies the values when it queues the launch) and the call
 * is one downcall. {@link KernelLauncher} uses it unless {@code -Dtransfer4j.cuda.launch=jcuda}, or when the
 * driver library does not load this way; then JCuda launches as before.
 */
final class FfmLaunch {
    /** As declared in CUDA 13's {@code cuda.h} (checked by {@code PrototypeSignatureTest}). */
    static final Prototype LAUNCH_KERNEL = Prototype.parse("""
            CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes,
                CUstream hStream, void** kernelParams, void** extra)""");
    /** The driver library: its soname on Linux. */
    static final NativeLibraryLoader.Spec DRIVER = new NativeLibraryLoader.Spec("CUDA driver", List.of("libcuda.so.1"));
    /** The system property choosing the launch path: {@code ffm} (default) or {@code jcuda}. */
    static final String PROPERTY = "transfer4j.cuda.launch";
    /** Bytes of a thread's argument block: 64 arguments of up to 112 bytes each fit (the largest struct is 104). */
    static final int BLOCK_BYTES = 8192;
    private static final int SLOT_ALIGNMENT = 16;

    private static final MethodHandle HANDLE = bind();
    private static final ThreadLocal<MemorySegment> BLOCK =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BLOCK_BYTES, SLOT_ALIGNMENT));

    private FfmLaunch() {
    }

    /** Whether launches go through FFM: the property allows it and the driver's symbol was bound. */
    static boolean enabled() {
        return HANDLE != null;
    }

    private static MethodHandle bind() {
        if (System.getProperty(PROPERTY, "ffm").equals("jcuda")) {
            return null;
        }
        try {
            return NativeLibraryLoader.load(DRIVER).downcall(LAUNCH_KERNEL).handle();
        } catch (RuntimeException | LinkageError e) {
            return null; // no driver library reachable by dlopen (JCuda found its own way): launch through JCuda
        }
    }

    /**
     * Queues the launch; returns the driver's {@code CUresult}, or -1 when the arguments do not fit a block
     * (the caller then launches through JCuda).
     */
    static int launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                      int sharedBytes, long stream, List<KernelArgs.Arg> args) {
        MemorySegment block = BLOCK.get();
        if (!pack(block, args)) {
            return -1;
        }
        try {
            return (int) HANDLE.invokeExact(MemorySegment.ofAddress(function), gridX, gridY, gridZ, blockX, blockY,
                    blockZ, sharedBytes, MemorySegment.ofAddress(stream), block, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("cuLaunchKernel through FFM failed", t);
        }
    }

    /**
     * Lays {@code args} out in {@code block}: the pointer array at byte 0 ({@code 8 * n} bytes), then one slot per
     * argument, each starting on a multiple of 16 bytes, holding the argument's bytes; pointer i holds slot i's
     * address. False (nothing written) when they do not fit.
     */
    static boolean pack(MemorySegment block, List<KernelArgs.Arg> args) {
        int n = args.size();
        long offset = align((long) n * Long.BYTES);
        long[] slots = new long[n];
        for (int i = 0; i < n; i++) {
            slots[i] = offset;
            offset = align(offset + args.get(i).bytes().length);
        }
        if (offset > block.byteSize()) {
            return false;
        }
        long base = block.address();
        for (int i = 0; i < n; i++) {
            byte[] bytes = args.get(i).bytes();
            MemorySegment.copy(bytes, 0, block, ValueLayout.JAVA_BYTE, slots[i], bytes.length);
            block.set(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * Long.BYTES, base + slots[i]);
        }
        return true;
    }

    private static long align(long bytes) {
        return (bytes + SLOT_ALIGNMENT - 1) / SLOT_ALIGNMENT * SLOT_ALIGNMENT;
    }
}
