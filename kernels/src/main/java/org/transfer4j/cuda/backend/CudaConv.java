package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.cuda.dnn.ConvPlan;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.KernelSpec;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Tensor;

/**
 * 2-D convolution in NHWC with Keras kernels {@code (KH,KW,C/groups,OC)}:
 * {@code x (N,H,W,C) -> y (N,OH,OW,OC)}, backward data and backward filter. The route per call is
 * {@link ConvRoute}: {@code depthwise.cu} for depthwise 3x3 with multiplier 1, cuDNN otherwise, with
 * <ul>
 *   <li>the kernel transposed HWIO {@code (KH*KW*Cin, OC)} -> KRSC {@code (OC, KH*KW*Cin)} by
 *       {@code transpose_f32} for every call (the SPI hands over Keras-layout weights; caching the
 *       transposed copy per weight is left for when it shows in a profile), and the filter gradient
 *       transposed back;</li>
 *   <li>TensorFlow's asymmetric {@code same} padding done as a zero pre-pad of x ({@code pad_nhwc_f32})
 *       plus cuDNN's symmetric padding ({@link ConvPlan}); backward data crops the padded gradient
 *       ({@code crop_nhwc_f32}), backward filter reads the padded x.</li>
 * </ul>
 * cuDNN runs with TF32 on by default ({@code CudnnConvolution}'s default, as PyTorch's {@code cudnn.allow_tf32});
 * {@link CudaBackend#setTf32Convolutions} switches to plain fp32. Its algorithm per shape is cuDNN's heuristic
 * choice, or the fastest measured one after {@link CudaBackend#setConvolutionAlgorithmSearch} (or the system
 * property {@code transfer4j.cudnn.algorithms=benchmark}).
 */
final class CudaConv {
    /** Output pixels per partial sum of the depthwise filter gradient (the kernel's {@code chunk}). */
    static final long DEPTHWISE_FILTER_CHUNK = 1024;

    private final CudaExec exec;
    private final CudaReduce reduce;

    CudaConv(CudaExec exec, CudaReduce reduce) {
        this.exec = exec;
        this.reduce = reduce;
    }

    Tensor forward(Tensor x, Tensor kernel, Conv2dSpec spec) {
        CudaExec.requireContiguous("conv2d", x, kernel);
        ConvPlan plan = ConvPlan.of(x.shape(), kernel.shape(), spec);
        Tensor y = exec.empty(plan.outputShape());
        if (y.numel() == 0 || kernel.numel() == 0) {
            exec.memsetZero(exec.address(y), y.numel());
            return y;
        }
        try (Temporaries temps = new Temporaries()) {
            if (ConvRoute.of(x.shape(), kernel.shape(), spec) == ConvRoute.DEPTHWISE_3X3) {
                depthwise(Kernels.DEPTHWISE3X3_FORWARD, y.numel(), plan, spec, exec.address(x), exec.address(kernel),
                        exec.address(y));
                return y;
            }
            long krsc = toKrsc(kernel, temps);
            long xin = plan.needsPrePad() ? prePad(x, plan, temps) : exec.address(x);
            exec.convolution().forward(exec.streamAddress, plan, xin, krsc, exec.address(y), bytes -> exec.workspace(bytes, temps));
        }
        return y;
    }

    Tensor backwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        CudaExec.requireContiguous("conv2dBackwardData", gradY, kernel);
        ConvPlan plan = ConvPlan.of(xShape, kernel.shape(), spec);
        requireShape("conv2dBackwardData", gradY, plan.outputShape());
        Tensor dx = exec.empty(xShape);
        if (dx.numel() == 0 || gradY.numel() == 0 || kernel.numel() == 0) {
            exec.memsetZero(exec.address(dx), dx.numel());
            return dx;
        }
        try (Temporaries temps = new Temporaries()) {
            if (ConvRoute.of(xShape, kernel.shape(), spec) == ConvRoute.DEPTHWISE_3X3) {
                depthwise(Kernels.DEPTHWISE3X3_BACKWARD_DATA, dx.numel(), plan, spec, exec.address(gradY),
                        exec.address(kernel), exec.address(dx));
                return dx;
            }
            long krsc = toKrsc(kernel, temps);
            if (!plan.needsPrePad()) {
                exec.convolution().backwardData(exec.streamAddress, plan, krsc, exec.address(gradY), exec.address(dx),
                        bytes -> exec.workspace(bytes, temps));
                return dx;
            }
            Tensor padded = temps.add(exec.empty(plan.paddedInputShape()));
            exec.convolution().backwardData(exec.streamAddress, plan, krsc, exec.address(gradY), exec.address(padded),
                    bytes -> exec.workspace(bytes, temps));
            long n = dx.numel();
            exec.launch(Kernels.CROP_NHWC, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i32(plan.h())
                    .i32(plan.w()).i32(plan.c()).i32(plan.inHeight()).i32(plan.inWidth()).i32(plan.extraTop())
                    .i32(plan.extraLeft()).pointer(exec.address(padded)).pointer(exec.address(dx)));
        }
        return dx;
    }

    Tensor backwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        CudaExec.requireContiguous("conv2dBackwardFilter", x, gradY);
        ConvPlan plan = ConvPlan.of(x.shape(), kernelShape, spec);
        requireShape("conv2dBackwardFilter", gradY, plan.outputShape());
        Tensor dk = exec.empty(kernelShape);
        if (dk.numel() == 0 || gradY.numel() == 0) {
            exec.memsetZero(exec.address(dk), dk.numel());
            return dk;
        }
        try (Temporaries temps = new Temporaries()) {
            if (ConvRoute.of(x.shape(), kernelShape, spec) == ConvRoute.DEPTHWISE_3X3) {
                depthwiseFilter(plan, spec, exec.address(x), exec.address(gradY), exec.address(dk), temps);
                return dk;
            }
            long xin = plan.needsPrePad() ? prePad(x, plan, temps) : exec.address(x);
            Tensor krsc = temps.add(exec.empty(plan.k(), kernelShape[0], kernelShape[1], kernelShape[2]));
            exec.convolution().backwardFilter(exec.streamAddress, plan, xin, exec.address(gradY), exec.address(krsc),
                    bytes -> exec.workspace(bytes, temps));
            // (OC, KH*KW*Cin) -> (KH*KW*Cin, OC)
            transpose(plan.k(), kernelShape[0] * kernelShape[1] * kernelShape[2], exec.address(krsc), exec.address(dk));
        }
        return dk;
    }

    /** The depthwise forward or backward-data kernel over n output (or input) elements. */
    private void depthwise(KernelSpec kernel, long n, ConvPlan plan, Conv2dSpec spec, long in, long k, long out) {
        exec.launch(kernel, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i32(plan.h()).i32(plan.w())
                .i32(plan.c()).i32(plan.outH()).i32(plan.outW()).i32(spec.strideH()).i32(spec.strideW())
                .i32(spec.padTop()).i32(spec.padLeft()).pointer(in).pointer(k).pointer(out));
    }

    /** dk (3,3,1,C): partial sums per chunk of output pixels, then {@code reduce_cols_sum} over the chunks. */
    private void depthwiseFilter(ConvPlan plan, Conv2dSpec spec, long x, long dy, long dk, Temporaries temps) {
        long pixels = (long) plan.n() * plan.outH() * plan.outW();
        long chunk = Math.max(DEPTHWISE_FILTER_CHUNK, Math.ceilDiv(pixels, 65_535L));
        long chunks = Math.ceilDiv(pixels, chunk);
        long partial = chunks == 1 ? dk : exec.workspace(chunks * 9 * plan.c() * Float.BYTES, temps);
        exec.launch(Kernels.DEPTHWISE3X3_BACKWARD_FILTER, KernelGeometry.depthwiseFilter(plan.c(), chunks),
                KernelArgs.create().i64(pixels).i32(plan.h()).i32(plan.w()).i32(plan.c()).i32(plan.outH()).i32(plan.outW())
                        .i32(spec.strideH()).i32(spec.strideW()).i32(spec.padTop()).i32(spec.padLeft()).i64(chunk)
                        .pointer(x).pointer(dy).pointer(partial));
        if (chunks > 1) {
            reduce.columns(ReduceOp.SUM, partial, 1, chunks, 9L * plan.c(), dk, temps);
        }
    }

    /** The kernel HWIO (KH*KW*Cin, OC) transposed to cuDNN's KRSC (OC, KH*KW*Cin), a scratch tensor. */
    private long toKrsc(Tensor kernel, Temporaries temps) {
        int[] s = kernel.shape();
        Tensor krsc = temps.add(exec.empty(s[3], s[0], s[1], s[2]));
        transpose(s[0] * s[1] * s[2], s[3], exec.address(kernel), exec.address(krsc));
        return exec.address(krsc);
    }

    /** x (rows, cols) -> y (cols, rows) with {@code transpose_f32}. */
    private void transpose(int rows, int cols, long x, long y) {
        exec.launch(Kernels.TRANSPOSE, KernelGeometry.transpose(1, rows, cols),
                KernelArgs.create().i64(1).i32(rows).i32(cols).pointer(x).pointer(y));
    }

    /** x zero-padded by the plan's extra rows and columns: (N, inH, inW, C), a scratch tensor. */
    private long prePad(Tensor x, ConvPlan plan, Temporaries temps) {
        Tensor padded = temps.add(exec.empty(plan.paddedInputShape()));
        long n = padded.numel();
        exec.launch(Kernels.PAD_NHWC, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i32(plan.h()).i32(plan.w())
                .i32(plan.c()).i32(plan.inHeight()).i32(plan.inWidth()).i32(plan.extraTop()).i32(plan.extraLeft()).f32(0f)
                .pointer(exec.address(x)).pointer(exec.address(padded)));
        return exec.address(padded);
    }

    static void requireShape(String op, Tensor t, int[] expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": dy must be " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(t.shape()));
        }
    }
}
