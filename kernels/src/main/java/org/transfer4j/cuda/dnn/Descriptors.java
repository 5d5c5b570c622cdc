package org.transfer4j.cuda.dnn;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import org.transfer4j.cuda.ffm.Downcall;

/**
 * cuDNN descriptors made for one operation and destroyed together by {@link #close()} (last made,
 * first destroyed). Descriptors are host objects: destroying them once the call is queued is allowed,
 * cuDNN copies what it needs.
 */
final class Descriptors implements AutoCloseable {

    private record Made(MemorySegment descriptor, Downcall destroy, String name) {
    }

    private final Cudnn cudnn;
    private final Deque<Made> made = new ArrayDeque<>();

    Descriptors(Cudnn cudnn) {
        this.cudnn = cudnn;
    }

    /** An fp32 NHWC tensor descriptor of logical size {@code (n, c, h, w)}. */
    MemorySegment tensorNhwc(int n, int c, int h, int w) {
        MemorySegment d = make(cudnn.fn.createTensor, cudnn.fn.destroyTensor, "cudnnCreateTensorDescriptor");
        cudnn.check("cudnnSetTensor4dDescriptor(NHWC, FLOAT, n=" + n + ", c=" + c + ", h=" + h + ", w=" + w + ")",
                () -> (int) cudnn.fn.setTensor4d.handle().invokeExact(d, CudnnConstants.TENSOR_NHWC, CudnnConstants.DATA_FLOAT, n, c, h, w));
        return d;
    }

    /** An fp32 NHWC (KRSC) filter descriptor {@code (k, c, h, w)}. */
    MemorySegment filterNhwc(int k, int c, int h, int w) {
        MemorySegment d = make(cudnn.fn.createFilter, cudnn.fn.destroyFilter, "cudnnCreateFilterDescriptor");
        cudnn.check("cudnnSetFilter4dDescriptor(FLOAT, NHWC, k=" + k + ", c=" + c + ", h=" + h + ", w=" + w + ")",
                () -> (int) cudnn.fn.setFilter4d.handle().invokeExact(d, CudnnConstants.DATA_FLOAT, CudnnConstants.TENSOR_NHWC, k, c, h, w));
        return d;
    }

    /** The convolution descriptor of {@code plan}: cross-correlation in fp32, its groups, math type {@code mathType}. */
    MemorySegment convolution(ConvPlan plan, int mathType) {
        MemorySegment d = make(cudnn.fn.createConv, cudnn.fn.destroyConv, "cudnnCreateConvolutionDescriptor");
        int[] a = plan.convolutionDescriptor();
        // deep-learning "convolution" is cross-correlation (no kernel flip), as on the CPU backend
        cudnn.check("cudnnSetConvolution2dDescriptor(" + plan + ")", () -> (int) cudnn.fn.setConv2d.handle().invokeExact(
                d, a[0], a[1], a[2], a[3], a[4], a[5], CudnnConstants.CROSS_CORRELATION, CudnnConstants.DATA_FLOAT));
        int groups = plan.groups();
        cudnn.check("cudnnSetConvolutionGroupCount(" + groups + ")", () -> (int) cudnn.fn.setConvGroups.handle().invokeExact(d, groups));
        setMathType(d, mathType);
        return d;
    }

    void setMathType(MemorySegment conv, int mathType) {
        cudnn.check("cudnnSetConvolutionMathType(" + mathType + ")", () -> (int) cudnn.fn.setConvMath.handle().invokeExact(conv, mathType));
    }

    /** The pooling descriptor of {@code plan}; NaN propagates, as on the CPU backend. */
    MemorySegment pooling(PoolPlan plan) {
        MemorySegment d = make(cudnn.fn.createPooling, cudnn.fn.destroyPooling, "cudnnCreatePoolingDescriptor");
        int[] a = plan.poolingDescriptor();
        cudnn.check("cudnnSetPooling2dDescriptor(" + plan + ")", () -> (int) cudnn.fn.setPooling2d.handle().invokeExact(
                d, plan.mode(), CudnnConstants.PROPAGATE_NAN, a[0], a[1], a[2], a[3], a[4], a[5]));
        return d;
    }

    /** An activation descriptor; {@code coef} is the ceiling of clipped ReLU or the alpha of ELU. */
    MemorySegment activation(int mode, double coef) {
        MemorySegment d = make(cudnn.fn.createActivation, cudnn.fn.destroyActivation, "cudnnCreateActivationDescriptor");
        cudnn.check("cudnnSetActivationDescriptor(mode=" + mode + ", coef=" + coef + ")",
                () -> (int) cudnn.fn.setActivation.handle().invokeExact(d, mode, CudnnConstants.PROPAGATE_NAN, coef));
        return d;
    }

    private MemorySegment make(Downcall create, Downcall destroy, String name) {
        MemorySegment d = cudnn.create(create, name);
        made.push(new Made(d, destroy, name.replace("Create", "Destroy")));
        return d;
    }

    @Override
    public void close() {
        CudnnException first = null;
        while (!made.isEmpty()) {
            Made m = made.pop();
            try {
                cudnn.check(m.name(), () -> (int) m.destroy().handle().invokeExact(m.descriptor()));
            } catch (CudnnException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
