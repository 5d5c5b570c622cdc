package org.transfer4j.cuda.dnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuDNN pooling, batch normalization and activations on NHWC fp32 tensors. Outputs and gradients are
 * written ({@code beta = 0}), never accumulated.
 *
 * <p><b>Batch norm mode.</b> {@code CUDNN_BATCHNORM_SPATIAL}: one mean/variance per channel over
 * {@code N*H*W}, Keras' {@code BatchNormalization(axis=-1)}. {@code SPATIAL_PERSISTENT} can be faster
 * on NHWC but cuDNN documents that it "imposes some limits on the range of values" (it may overflow on
 * large activations), so it is opt-in ({@link #CudnnLayers(Cudnn, boolean)}), not the default.
 * cuDNN's moving averages are {@code running = factor*batch + (1-factor)*running}, so Keras' momentum
 * {@code m} is {@code factor = 1 - m} ({@link #averageFactor}). cuDNN updates the running variance
 * with the unbiased batch variance ({@code N*H*W/(N*H*W-1)} times the biased one, as PyTorch), while
 * Keras uses the biased one: a backend that must match Keras exactly passes factor 0 and updates the
 * moving variance itself from {@code saveInvVariance}.
 */
public final class CudnnLayers {

    private final Cudnn cudnn;
    private final int bnMode;

    /** SPATIAL batch norm. */
    public CudnnLayers(Cudnn cudnn) {
        this(cudnn, false);
    }

    public CudnnLayers(Cudnn cudnn, boolean persistentBatchNorm) {
        this.cudnn = cudnn;
        this.bnMode = persistentBatchNorm ? CudnnConstants.BATCHNORM_SPATIAL_PERSISTENT : CudnnConstants.BATCHNORM_SPATIAL;
    }

    /** cuDNN's {@code exponentialAverageFactor} for Keras momentum {@code m}: {@code 1 - m}. */
    public static double averageFactor(double kerasMomentum) {
        if (!(kerasMomentum >= 0 && kerasMomentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + kerasMomentum);
        }
        return 1 - kerasMomentum;
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
     * Training-mode batch norm of {@code x (N,H,W,C)}: {@code y = scale*(x-mean)/sqrt(var+eps) + bias}
     * with batch statistics; updates {@code runningMean}/{@code runningVar} (C) with {@code factor}
     * and saves the batch mean and {@code 1/sqrt(var+eps)} (C) for the backward pass.
     */
    public void batchNormTraining(long stream, int n, int hgt, int wid, int c, long x, long y, long scale, long bias,
                                  double factor, long runningMean, long runningVar, double epsilon, long saveMean, long saveInvStd) {
        batchNorm("cudnnBatchNormalizationForwardTraining", stream, n, hgt, wid, c, epsilon,
                (h, xd, bn, one, zero) -> (int) cudnn.fn.bnForwardTraining.handle().invokeExact(h, bnMode, one, zero, xd, addr(x),
                        xd, addr(y), bn, addr(scale), addr(bias), factor, addr(runningMean), addr(runningVar), epsilon,
                        addr(saveMean), addr(saveInvStd)));
    }

    /** Batch-norm backward: {@code dx (N,H,W,C)}, {@code dScale}, {@code dBias} (C) from {@code x}, {@code dy} and the saved statistics. */
    public void batchNormBackward(long stream, int n, int hgt, int wid, int c, long x, long dy, long dx, long scale,
                                  long dScale, long dBias, double epsilon, long saveMean, long saveInvStd) {
        batchNorm("cudnnBatchNormalizationBackward", stream, n, hgt, wid, c, epsilon,
                (h, xd, bn, one, zero) -> (int) cudnn.fn.bnBackward.handle().invokeExact(h, bnMode, one, zero, one, zero, xd, addr(x),
                        xd, addr(dy), xd, addr(dx), bn, addr(scale), addr(dScale), addr(dBias), epsilon, addr(saveMean),
                        addr(saveInvStd)));
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

    /**
     * A batch-norm call given the descriptors of {@code x (N,H,W,C)} (also used for {@code y}, {@code dy},
     * {@code dx}) and of the per-channel parameters ({@code bn}), and {@code alpha = 1, beta = 0}.
     */
    @FunctionalInterface
    private interface BatchNormCall {
        int run(MemorySegment handle, MemorySegment xd, MemorySegment bn, MemorySegment one, MemorySegment zero) throws Throwable;
    }

    private void batchNorm(String function, long stream, int n, int hgt, int wid, int c, double epsilon, BatchNormCall call) {
        checkEpsilon(epsilon);
        MemorySegment h = cudnn.handle(stream);
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            MemorySegment xd = d.tensorNhwc(n, c, hgt, wid);
            MemorySegment bn = d.derivedBatchNorm(xd, bnMode);
            MemorySegment one = one(arena), zero = zero(arena);
            cudnn.check(function + "(" + shape(n, hgt, wid, c) + ")", () -> call.run(h, xd, bn, one, zero));
        }
    }

    private static void checkEpsilon(double epsilon) {
        if (!(epsilon >= CudnnConstants.BN_MIN_EPSILON)) {
            throw new IllegalArgumentException("batch-norm epsilon must be >= " + CudnnConstants.BN_MIN_EPSILON + ", got " + epsilon);
        }
    }

    private static String shape(int n, int h, int w, int c) {
        return "x (" + n + "," + h + "," + w + "," + c + ")";
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
