package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.cuda.blas.GemmPlan;
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
            ConvRoute route = exec.route(x.shape(), kernel.shape(), spec);
            if (route == ConvRoute.DEPTHWISE_3X3) {
                depthwise(Kernels.DEPTHWISE3X3_FORWARD, (long) plan.n() * plan.outH() * plan.outW(), plan, spec,
                        exec.address(x), exec.address(kernel), exec.address(y));
                return y;
            }
            if (route == ConvRoute.POINTWISE_GEMM) { // y (M, OC) = x (M, C) kernel (C, OC)
                pointwise(GemmPlan.rowMajor(false, false, pixels(x.shape()), plan.k(), plan.c()), exec.address(x),
                        exec.address(kernel), exec.address(y));
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
            ConvRoute route = exec.route(xShape, kernel.shape(), spec);
            if (route == ConvRoute.DEPTHWISE_3X3) {
                depthwise(Kernels.DEPTHWISE3X3_BACKWARD_DATA, (long) plan.n() * plan.h() * plan.w(), plan, spec,
                        exec.address(gradY), exec.address(kernel), exec.address(dx));
                return dx;
            }
            if (route == ConvRoute.POINTWISE_GEMM) { // dx (M, C) = dy (M, OC) kernel^T, kernel stored (C, OC)
                pointwise(GemmPlan.rowMajor(false, true, pixels(xShape), plan.c(), plan.k()), exec.address(gradY),
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
            ConvRoute route = exec.route(x.shape(), kernelShape, spec);
            if (route == ConvRoute.DEPTHWISE_3X3) {
                depthwiseFilter(plan, spec, exec.address(x), exec.address(gradY), exec.address(dk), temps);
                return dk;
            }
            if (route == ConvRoute.POINTWISE_GEMM) { // dk (C, OC) = x^T dy, x stored (M, C): the HWIO (1,1,C,OC) kernel
                pointwise(GemmPlan.rowMajor(true, false, plan.c(), plan.k(), pixels(x.shape())), exec.address(x),
                        exec.address(gradY), exec.address(dk));
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

    /**
     * The depthwise forward or backward-data kernel, one thread per channel and pixel of the written tensor
     * ({@code pixels}: N*OH*OW for the forward, N*H*W for backward data) and step.
     */
    private void depthwise(KernelSpec kernel, long pixels, ConvPlan plan, Conv2dSpec spec, long in, long k, long out) {
        exec.launch(kernel, KernelGeometry.depthwisePixels(pixels, plan.c(), exec.context.device().multiprocessors()),
                KernelArgs.create().i64(plan.n()).i32(plan.h()).i32(plan.w()).i32(plan.c()).i32(plan.outH())
                        .i32(plan.outW()).i32(spec.strideH()).i32(spec.strideW()).i32(spec.padTop()).i32(spec.padLeft())
                        .pointer(in).pointer(k).pointer(out));
    }

    /**
     * dk (3,3,1,C): partial sums per chunk of output pixels, then {@code reduce_cols_sum} over the chunks. The
     * chunks are those of batch norm's per-channel sums ({@link KernelGeometry#channelChunk}: about 8 blocks per
     * SM), so that small layers (7x7x960 at batch 64: 3136 pixels) still fill the GPU.
     */
    private void depthwiseFilter(ConvPlan plan, Conv2dSpec spec, long x, long dy, long dk, Temporaries temps) {
        long pixels = (long) plan.n() * plan.outH() * plan.outW();
        long chunk = KernelGeometry.channelChunk(pixels, plan.c(), exec.context.device().multiprocessors());
        long chunks = Math.ceilDiv(pixels, chunk);
        long partial = chunks == 1 ? dk : exec.workspace(chunks * 9 * plan.c() * Float.BYTES, temps);
        exec.launch(Kernels.DEPTHWISE3X3_BACKWARD_FILTER, KernelGeometry.depthwiseFilter(plan.c(), chunks),
                KernelArgs.create().i64(plan.n()).i32(plan.h()).i32(plan.w()).i32(plan.c()).i32(plan.outH())
                        .i32(plan.outW()).i32(spec.strideH()).i32(spec.strideW()).i32(spec.padTop()).i32(spec.padLeft())
                        .i64(chunk).pointer(x).pointer(dy).pointer(partial));
        if (chunks > 1) {
            reduce.columns(ReduceOp.SUM, partial, 1, chunks, 9L * plan.c(), dk, null, temps);
        }
    }

    /** N*H*W of an NHWC shape: the rows of a pointwise convolution's matrix product. */
    private static int pixels(int[] nhwc) {
        return Math.multiplyExact(Math.multiplyExact(nhwc[0], nhwc[1]), nhwc[2]);
    }

    /**
     * One matrix product of a pointwise convolution on the backend's stream, with the convolutions' TF32 setting
     * (PyTorch's cudnn.allow_tf32 covers 1x1 convolutions too; a matrix product sets the GEMMs' own mode before it
     * runs, {@link CudaGemm}, so a run of convolutions sets the mode once).
     */
    private void pointwise(GemmPlan plan, long a, long b, long c) {
        exec.cublas.setTf32(exec.streamAddress, exec.tf32Convolutions());
        exec.cublas.sgemm(exec.streamAddress, plan, 1f, a, b, 0f, c);
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
