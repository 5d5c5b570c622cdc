package org.transfer4j.cuda.backend;

import java.util.Arrays;
import java.util.Locale;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ElementwiseChecks;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.KernelSpec;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Elementwise primitives on the GPU: {@code elementwise.cu} (unary forwards, binary ops with or without
 * broadcasting), {@code unary_backward.cu} and {@code random.cu}. Unary kernels read contiguous x, so
 * a strided view is first copied ({@code strided_copy_f32}); binary kernels take any strides of a and b
 * through the {@code Broadcast6} struct (stride 0 where an input broadcasts), so no copy is needed.
 */
final class CudaElementwise {
    private final CudaExec exec;

    CudaElementwise(CudaExec exec) {
        this.exec = exec;
    }

    /** {@code y = op(x; alpha, beta)}, x (any shape, any strides) -> y (x's shape, contiguous). */
    Tensor unary(UnaryOp op, Tensor x, float alpha, float beta) {
        try (Temporaries temps = new Temporaries()) {
            Tensor xc = exec.contiguous(x, temps);
            Tensor y = exec.empty(x.shape());
            long n = y.numel();
            if (n > 0) {
                KernelArgs args = KernelArgs.create().i64(n);
                KernelSpec kernel = switch (op) {
                    case CLAMP -> {
                        args.f32(alpha).f32(beta);
                        yield Kernels.CLAMP;
                    }
                    case AFFINE -> {
                        args.f32(alpha).f32(beta);
                        yield Kernels.AFFINE;
                    }
                    case LEAKY_RELU -> {
                        args.f32(alpha);
                        yield Kernels.LEAKY_RELU;
                    }
                    case POW_SCALAR -> {
                        args.f32(alpha);
                        yield Kernels.POW_SCALAR;
                    }
                    case NEG, EXP, LOG, SQRT, ABS, ERF, TANH, SIGMOID -> Kernels.named(lower(op) + "_f32");
                };
                exec.launch(kernel, KernelGeometry.elementwise(n), args.pointer(exec.address(xc)).pointer(exec.address(y)));
            }
            return y;
        }
    }

    /** {@code dx = dy * op'(x; alpha, beta)}, x and dy of one shape, any strides. */
    Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta) {
        if (!Arrays.equals(x.shape(), gradY.shape())) {
            throw new IllegalArgumentException("unaryBackward(" + op + "): dy " + Arrays.toString(gradY.shape())
                    + " differs from x " + Arrays.toString(x.shape()));
        }
        try (Temporaries temps = new Temporaries()) {
            Tensor xc = exec.contiguous(x, temps);
            Tensor gc = exec.contiguous(gradY, temps);
            Tensor dx = exec.empty(x.shape());
            long n = dx.numel();
            if (n > 0) {
                exec.launch(Kernels.unaryBackward(op), KernelGeometry.elementwise(n), KernelArgs.create().i64(n).f32(alpha)
                        .f32(beta).pointer(exec.address(xc)).pointer(exec.address(gc)).pointer(exec.address(dx)));
            }
            return dx;
        }
    }

    /** {@code y = op(a, b)} with NumPy broadcasting, a and b any strides -> y (broadcast shape, contiguous). */
    Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(lower(op), a.shape(), b.shape());
        Tensor y = exec.empty(shape);
        long pa = exec.address(a);
        long pb = exec.address(b);
        long py = exec.address(y);
        if (y.numel() == 0) {
            return y;
        }
        if (a.isContiguous() && b.isContiguous() && Arrays.equals(a.shape(), shape) && Arrays.equals(b.shape(), shape)) {
            long n = y.numel();
            exec.launch(Kernels.binary(op, false), KernelGeometry.elementwise(n),
                    KernelArgs.create().i64(n).pointer(pa).pointer(pb).pointer(py));
            return y;
        }
        Tensor ab = a.detach().broadcastTo(shape);
        Tensor bb = b.detach().broadcastTo(shape);
        for (StridedLayout.Piece p : StridedLayout.pieces(shape, ab.strides(), bb.strides(), y.strides())) {
            long n = p.count();
            long[] off = p.offsets();
            exec.launch(Kernels.binary(op, true), KernelGeometry.elementwise(n), KernelArgs.create().i64(n).struct(p.struct(0, 1))
                    .pointer(pa + off[0] * Float.BYTES).pointer(pb + off[1] * Float.BYTES).pointer(py + off[2] * Float.BYTES));
        }
        return y;
    }

    /**
     * {@code y = clamp(a + b, low, high)} ({@code add_clamp_f32}: the sum rounded, then the clamp, in one launch; bit
     * for bit {@code add_f32} then {@code clamp_f32}), a and b contiguous of one shape -> y (their shape).
     */
    Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        ElementwiseChecks.addClamped(a, b, low, high);
        Tensor y = exec.empty(a.shape());
        long n = y.numel();
        if (n > 0) {
            exec.launch(Kernels.ADD_CLAMP, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).f32(low).f32(high)
                    .pointer(exec.address(a)).pointer(exec.address(b)).pointer(exec.address(y)));
        }
        return y;
    }

    /**
     * {@code into += g} in place ({@link Backend#addInPlace}): {@code add_f32} with its output over its first input,
     * which each thread reads before it writes the same element.
     */
    void addInPlace(Tensor into, Tensor g) {
        ElementwiseChecks.sameShapeContiguous("addInPlace", into, g);
        long n = into.numel();
        if (n > 0) {
            long py = exec.address(into);
            exec.launch(Kernels.binary(BinaryOp.ADD, false), KernelGeometry.elementwise(n),
                    KernelArgs.create().i64(n).pointer(py).pointer(exec.address(g)).pointer(py));
        }
    }

    /** Uniform numbers of core's {@code Generator} stream into contiguous dst ({@code uniform_f32}, bit-identical to the CPU). */
    void randomUniform(Tensor dst, long seed, long counter, float low, float high) {
        random("randomUniform", Kernels.UNIFORM, dst, seed, counter, low, high);
    }

    /** Inverted dropout of contiguous x with its mask drawn in place ({@code dropout_f32}, bit-identical to the CPU). */
    Backend.DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale) {
        CudaExec.requireContiguous("dropout", x);
        Tensor y = exec.empty(x.shape());
        Tensor mask = exec.empty(x.shape());
        long n = x.numel();
        if (n > 0) {
            exec.launch(Kernels.DROPOUT, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i64(seed)
                    .i64(counter).f32(rate).f32(scale).pointer(exec.address(x)).pointer(exec.address(y))
                    .pointer(exec.address(mask)));
        }
        return new Backend.DropoutForward(y, mask);
    }

    /** {@code average = momentum*average + (1-momentum)*value} in place ({@code moving_average_f32}). */
    void movingAverage(Tensor average, Tensor value, float momentum) {
        CudaExec.requireContiguous("movingAverage", average, value);
        BatchNormChecks.movingAverage(average, value);
        long n = average.numel();
        if (n == 0) {
            return;
        }
        exec.launch(Kernels.MOVING_AVERAGE, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).f32(momentum)
                .pointer(exec.address(value)).pointer(exec.address(average)));
    }

    /**
     * {@code y = clamp(y * scale[c] + shift[c] + residual, low, high)} in place ({@code scale_shift_clamp_f32}), y
     * and the residual (or null) contiguous {@code (M,C)}, scale (or null) and shift {@code (C)}. The kernel
     * indexes in 32 bits, so a tensor of more than 2^30 elements goes in blocks of whole rows (each starts at
     * channel 0).
     */
    void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high) {
        int c = BatchNormChecks.scaleShiftActivation(y, scale, shift, residual);
        long rows = y.numel() / c;
        long rowsPerLaunch = Math.max(1, (1L << 30) / c);
        long py = exec.address(y);
        long ps = exec.addressOrNull(scale);
        long pt = exec.address(shift);
        long pr = exec.addressOrNull(residual);
        for (long first = 0; first < rows; first += rowsPerLaunch) {
            long skip = first * c * Float.BYTES;
            int n = Math.toIntExact(Math.min(rowsPerLaunch, rows - first) * c);
            exec.launch(Kernels.SCALE_SHIFT_CLAMP, KernelGeometry.elementwise(n), KernelArgs.create().i32(n).i32(c)
                    .pointer(py + skip).pointer(ps).pointer(pt).pointer(pr == 0 ? 0 : pr + skip).f32(low).f32(high));
        }
    }

    /** Normal numbers of core's {@code Generator} stream into contiguous dst ({@code normal_f32}). */
    void randomNormal(Tensor dst, long seed, long counter, float mean, float std) {
        random("randomNormal", Kernels.NORMAL, dst, seed, counter, mean, std);
    }

    /** Launches a {@code random.cu} kernel: {@code (n, seed, counter, a, b, y)}, a and b its two parameters. */
    private void random(String op, KernelSpec kernel, Tensor dst, long seed, long counter, float a, float b) {
        CudaExec.requireContiguous(op, dst);
        long n = dst.numel();
        long y = exec.address(dst);
        if (n > 0) {
            exec.launch(kernel, KernelGeometry.elementwise(n),
                    KernelArgs.create().i64(n).i64(seed).i64(counter).f32(a).f32(b).pointer(y));
        }
    }

    private static String lower(Enum<?> op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
