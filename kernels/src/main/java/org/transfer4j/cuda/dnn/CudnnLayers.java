package org.transfer4j.cuda.dnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuDNN pooling and activations on NHWC fp32 tensors. Outputs and gradients are written
 * ({@code beta = 0}), never accumulated. (Batch normalisation runs on our own kernels, {@code batchnorm.cu}:
 * cuDNN's batch-norm calls were slow or unsupported on NHWC activations described as {@code (M, C, 1, 1)}.)
 */
public final class CudnnLayers {

    private final Cudnn cudnn;

    public CudnnLayers(Cudnn cudnn) {
        this.cudnn = cudnn;
    }

    /** {@code y (N,OH,OW,C) = pool(x (N,H,W,C))}. */
    public void poolingForward(long stream, PoolPlan plan, long x, long y) {
        pooling("cudnnPoolingForward", stream, plan, (h, pool, xd, yd, one, zero) -> (int) cudnn.fn.poolingForward.handle()
                .invokeExact(h, pool, one, xd, addr(x), zero, yd, addr(y)));
    }

    /** {@code dx (N,H,W,C)} from {@code y}, {@code dy (N,OH,OW,C)} and {@code x}. */
    public void poolingBackward(long stream, PoolPlan plan, long y, long dy, long x, long dx) {
        pooling("cudnnPoolingBackward", stream, plan, (h, pool, xd, yd, one, zero) -> (int) cudnn.fn.poolingBackward.handle()
                .invokeExact(h, pool, one, yd, addr(y), yd, addr(dy), xd, addr(x), zero, xd, addr(dx)));
    }

    /**
     * {@code y = act(x)} over {@code count} elements (any shape: cuDNN sees {@code (count,1,1,1)}).
     * {@code mode} is a cudnnActivationMode_t ({@link CudnnConstants#ACTIVATION_RELU}, ...); {@code coef}
     * the clip of {@code CLIPPED_RELU} (6 for ReLU6) or ELU's alpha, ignored otherwise.
     */
    public void activationForward(long stream, int mode, double coef, int count, long x, long y) {
        MemorySegment h = cudnn.handle(stream);
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            MemorySegment act = d.activation(mode, coef);
            MemorySegment td = d.tensorNhwc(count, 1, 1, 1);
            cudnn.check("cudnnActivationForward(mode=" + mode + ", n=" + count + ")",
                    () -> (int) cudnn.fn.activationForward.handle().invokeExact(h, act, one(arena), td, addr(x), zero(arena), td, addr(y)));
        }
    }

    /** {@code dx} from {@code y = act(x)}, {@code dy} and {@code x}, over {@code count} elements. */
    public void activationBackward(long stream, int mode, double coef, int count, long y, long dy, long x, long dx) {
        MemorySegment h = cudnn.handle(stream);
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            MemorySegment act = d.activation(mode, coef);
            MemorySegment td = d.tensorNhwc(count, 1, 1, 1);
            cudnn.check("cudnnActivationBackward(mode=" + mode + ", n=" + count + ")",
                    () -> (int) cudnn.fn.activationBackward.handle().invokeExact(h, act, one(arena), td, addr(y), td, addr(dy),
                            td, addr(x), zero(arena), td, addr(dx)));
        }
    }

    /** A pooling call given its descriptors ({@code xd} input, {@code yd} output) and {@code alpha = 1, beta = 0}. */
    @FunctionalInterface
    private interface PoolingCall {
        int run(MemorySegment handle, MemorySegment pool, MemorySegment xd, MemorySegment yd, MemorySegment one,
                MemorySegment zero) throws Throwable;
    }

    private void pooling(String function, long stream, PoolPlan plan, PoolingCall call) {
        MemorySegment h = cudnn.handle(stream);
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            MemorySegment pool = d.pooling(plan);
            MemorySegment xd = d.tensorNhwc(plan.n(), plan.c(), plan.h(), plan.w());
            MemorySegment yd = d.tensorNhwc(plan.n(), plan.c(), plan.outH(), plan.outW());
            MemorySegment one = one(arena), zero = zero(arena);
            cudnn.check(function + "(" + plan + ")", () -> call.run(h, pool, xd, yd, one, zero));
        }
    }

    private static MemorySegment one(Arena arena) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
    }

    private static MemorySegment zero(Arena arena) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
    }

    private static MemorySegment addr(long address) {
        return MemorySegment.ofAddress(address);
    }
}
