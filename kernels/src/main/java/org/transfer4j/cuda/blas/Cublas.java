package org.transfer4j.cuda.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.transfer4j.cuda.ffm.Downcall;
import org.transfer4j.cuda.ffm.NativeLibrary;
import org.transfer4j.cuda.ffm.NativeLibraryLoader;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * cuBLAS, bound through FFM: one {@code cublasHandle_t} per CUDA stream (created on first use with
 * {@code cublasCreate_v2}, bound with {@code cublasSetStream_v2}, destroyed by {@link #close()}),
 * SGEMM and strided-batched SGEMM on row-major operands ({@link GemmPlan}), and {@code cublasGemmEx}
 * for bf16/fp16 inputs later. Device pointers and streams are raw addresses ({@code long}; stream 0
 * is the legacy default stream), so the driver layer passes its own. Every status other than success
 * becomes a {@link CublasException} naming the status and the call.
 *
 * <p>TF32: {@code cublasSetMathMode(CUBLAS_TF32_TENSOR_OP_MATH)} lets SGEMM round its inputs to TF32
 * (10-bit mantissa) on tensor cores: 399.5 vs 51.5 TFLOP/s on an H100 (docs/ARCHITECTURE.md). The
 * default here is <b>off</b> for plain GEMMs, as PyTorch's {@code torch.backends.cuda.matmul.allow_tf32}
 * (off by default since 1.12), because a GEMM is also the Dense layer and the classifier head, where
 * results should match the CPU to fp32 precision; convolutions default to TF32 on in
 * {@code org.transfer4j.cuda.dnn.Cudnn}, as PyTorch's {@code cudnn.allow_tf32}. Turn it on per
 * instance ({@link #Cublas(NativeLibrary, boolean)}) or per stream ({@link #setTf32}).
 *
 * <p>Not thread-safe for one stream from several threads (cuBLAS handles are not); one instance per
 * device.
 */
public final class Cublas implements AutoCloseable {

    /** {@code CUBLAS_DEFAULT_MATH} (cublas_api.h, cublasMath_t). */
    public static final int CUBLAS_DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH} (cublas_api.h, cublasMath_t). */
    public static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    /** {@code CUDA_R_32F}, {@code CUDA_R_16F}, {@code CUDA_R_16BF} (library_types.h, cudaDataType). */
    public static final int CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14;
    /** {@code CUBLAS_COMPUTE_32F}, {@code CUBLAS_COMPUTE_32F_FAST_TF32} (cublas_api.h, cublasComputeType_t). */
    public static final int CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_FAST_TF32 = 77;
    /** {@code CUBLAS_GEMM_DEFAULT} (cublas_api.h, cublasGemmAlgo_t). */
    public static final int CUBLAS_GEMM_DEFAULT = -1;

    private final NativeLibrary library;
    private final boolean tf32;
    private final Downcall create, destroy, setStream, setMathMode, sgemm, sgemmStridedBatched, gemmEx;
    private final Map<Long, MemorySegment> handles = new LinkedHashMap<>();
    /** Each handle's math mode as last set (TF32 or not), so that {@link #setTf32} calls cuBLAS only on a change. */
    private final Map<Long, Boolean> tf32Modes = new HashMap<>();
    /**
     * Each thread's 8 bytes of host memory for a GEMM's alpha and beta: cuBLAS reads them (pointer mode host) before
     * the call returns, so one block serves every call, where an arena per call cost a native allocation and free.
     */
    private static final ThreadLocal<MemorySegment> SCALARS =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(2L * Float.BYTES, Float.BYTES));
    private boolean closed;

    /** cuBLAS from {@link NativeLibraryLoader#CUBLAS}'s search, TF32 off for GEMMs. */
    public static Cublas load() {
        return new Cublas(NativeLibraryLoader.load(NativeLibraryLoader.CUBLAS), false);
    }

    /**
     * @param library the loaded cuBLAS
     * @param tf32    whether new handles use {@code CUBLAS_TF32_TENSOR_OP_MATH}
     */
    public Cublas(NativeLibrary library, boolean tf32) {
        this.library = library;
        this.tf32 = tf32;
        create = library.downcall(CublasFunctions.CREATE);
        destroy = library.downcall(CublasFunctions.DESTROY);
        setStream = library.downcall(CublasFunctions.SET_STREAM);
        setMathMode = library.downcall(CublasFunctions.SET_MATH_MODE);
        sgemm = library.downcall(CublasFunctions.SGEMM);
        sgemmStridedBatched = library.downcall(CublasFunctions.SGEMM_STRIDED_BATCHED);
        gemmEx = library.downcall(CublasFunctions.GEMM_EX);
    }

    /** The C prototypes of every cuBLAS function this class calls (for signature checks). */
    public static List<Prototype> prototypes() {
        return CublasFunctions.ALL;
    }

    /** The library in use. */
    public NativeLibrary library() {
        return library;
    }

    /** The handle bound to {@code stream}, created (with this instance's math mode) on first use. */
    public synchronized MemorySegment handle(long stream) {
        if (closed) {
            throw new IllegalStateException("cuBLAS instance closed");
        }
        MemorySegment existing = handles.get(stream);
        if (existing != null) {
            return existing;
        }
        MemorySegment h = createHandle();
        handles.put(stream, h);   // before configuring it, so close() destroys it even if that fails
        call(() -> "cublasSetStream_v2(stream=0x" + Long.toHexString(stream) + ")",
                () -> (int) setStream.handle().invokeExact(h, MemorySegment.ofAddress(stream)));
        setTf32(stream, tf32);
        return h;
    }

    private MemorySegment createHandle() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            call(() -> "cublasCreate_v2", () -> (int) create.handle().invokeExact(out));
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Whether new handles (and GEMMs outside a convolution) use TF32: the math mode {@link #setTf32} restores. */
    public boolean defaultTf32() {
        return tf32;
    }

    /**
     * Sets the math mode of {@code stream}'s handle: TF32 tensor-op math when {@code on}, default (fp32) math
     * otherwise; nothing when the handle already has it. Every GEMM's caller sets the mode it needs before the call
     * (a pointwise convolution TF32, a matrix product the default), so a run of convolutions sets it once.
     */
    public synchronized void setTf32(long stream, boolean on) {
        MemorySegment h = handle(stream);
        if (Boolean.valueOf(on).equals(tf32Modes.get(stream))) {
            return;
        }
        int mode = on ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
        tf32Modes.remove(stream);   // unknown until cuBLAS has accepted it
        call(() -> "cublasSetMathMode(" + (on ? "CUBLAS_TF32_TENSOR_OP_MATH" : "CUBLAS_DEFAULT_MATH") + ")",
                () -> (int) setMathMode.handle().invokeExact(h, mode));
        tf32Modes.put(stream, on);
    }

    /**
     * Row-major {@code C = alpha * op(A) op(B) + beta * C} on {@code stream} (asynchronous).
     * Shapes: see {@link GemmPlan}; {@code a}, {@code b}, {@code c} are device addresses of fp32 data.
     */
    public void sgemm(long stream, GemmPlan plan, float alpha, long a, long b, float beta, long c) {
        // cuBLAS's first operand is our B, its second our A (GemmPlan)
        gemm(() -> "cublasSgemm_v2(" + plan + ")", stream, alpha, beta, (h, al, be) -> (int) sgemm.handle().invokeExact(h,
                plan.opFirst(), plan.opSecond(), plan.m(), plan.n(), plan.k(), al, MemorySegment.ofAddress(b), plan.ldFirst(),
                MemorySegment.ofAddress(a), plan.ldSecond(), be, MemorySegment.ofAddress(c), plan.ldc()));
    }

    /**
     * {@code batch} row-major GEMMs {@code C[i] = alpha * op(A[i]) op(B[i]) + beta * C[i]}, where
     * {@code A[i]} starts at {@code a + i*strideA} elements (fp32), likewise B and C. A stride of 0
     * reuses one matrix for every batch (a shared weight); packed batches use {@link GemmPlan#sizeA()} etc.
     */
    public void sgemmStridedBatched(long stream, GemmPlan plan, int batch, float alpha, long a, long strideA,
                                    long b, long strideB, float beta, long c, long strideC) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch count must be at least 1, got " + batch);
        }
        gemm(() -> "cublasSgemmStridedBatched(" + plan + ", batch=" + batch + ")", stream, alpha, beta,
                (h, al, be) -> (int) sgemmStridedBatched.handle().invokeExact(h, plan.opFirst(), plan.opSecond(),
                        plan.m(), plan.n(), plan.k(), al, MemorySegment.ofAddress(b), plan.ldFirst(), strideB,
                        MemorySegment.ofAddress(a), plan.ldSecond(), strideA, be, MemorySegment.ofAddress(c), plan.ldc(),
                        strideC, batch));
    }

    /**
     * {@code cublasGemmEx} on row-major operands: element types {@code aType}/{@code bType}/{@code cType}
     * ({@link #CUDA_R_16BF}, {@link #CUDA_R_16F}, {@link #CUDA_R_32F}), with fp32 {@code alpha}/{@code beta}
     * (the scale type of {@link #CUBLAS_COMPUTE_32F} and {@link #CUBLAS_COMPUTE_32F_FAST_TF32}).
     */
    public void gemmEx(long stream, GemmPlan plan, float alpha, long a, int aType, long b, int bType, float beta,
                       long c, int cType, int computeType) {
        gemm(() -> "cublasGemmEx(" + plan + ", computeType=" + computeType + ")", stream, alpha, beta,
                (h, al, be) -> (int) gemmEx.handle().invokeExact(h, plan.opFirst(), plan.opSecond(),
                        plan.m(), plan.n(), plan.k(), al, MemorySegment.ofAddress(b), bType, plan.ldFirst(),
                        MemorySegment.ofAddress(a), aType, plan.ldSecond(), be, MemorySegment.ofAddress(c), cType,
                        plan.ldc(), computeType, CUBLAS_GEMM_DEFAULT));
    }

    /** Destroys every handle; the first failure is thrown after all were tried. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CublasException> failures = new ArrayList<>();
        for (MemorySegment h : handles.values()) {
            try {
                call(() -> "cublasDestroy_v2", () -> (int) destroy.handle().invokeExact(h));
            } catch (CublasException e) {
                failures.add(e);
            }
        }
        handles.clear();
        tf32Modes.clear();
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    /** One GEMM call given {@code stream}'s handle and the host-side fp32 {@code alpha}, {@code beta}. */
    @FunctionalInterface
    private interface GemmCall {
        int invoke(MemorySegment handle, MemorySegment alpha, MemorySegment beta) throws Throwable;
    }

    /** The steps every GEMM shares: the stream's handle, alpha and beta in host memory, the status check. */
    private void gemm(Supplier<String> what, long stream, float alpha, float beta, GemmCall gemmCall) {
        MemorySegment h = handle(stream);
        MemorySegment scalars = SCALARS.get();
        scalars.set(ValueLayout.JAVA_FLOAT, 0, alpha);
        scalars.set(ValueLayout.JAVA_FLOAT, Float.BYTES, beta);
        MemorySegment al = scalars.asSlice(0, Float.BYTES);
        MemorySegment be = scalars.asSlice(Float.BYTES, Float.BYTES);
        call(what, () -> gemmCall.invoke(h, al, be));
    }

    /** A native call returning a status. */
    @FunctionalInterface
    private interface StatusCall {
        int invoke() throws Throwable;
    }

    /** Runs a cuBLAS call; {@code what} names it in the exception, built only when the status is a failure. */
    private static void call(Supplier<String> what, StatusCall c) {
        int status;
        try {
            status = c.invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS.code()) {
            CublasException.check(status, what.get());
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
