package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.SoftmaxCrossEntropyChecks;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.KernelSpec;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.cuda.memory.DeviceBuffer;
import org.transfer4j.tensor.Tensor;

/**
 * The fused softmax cross-entropy and its backward pass ({@code softmax_xent.cu}) and index selection along an
 * axis with its adjoint ({@code gather.cu}). Indices come from the host (an {@code int[]}): they are range-checked here,
 * since the kernels do not check them, then uploaded as int32.
 */
final class CudaLossAndIndexing {
    private final CudaExec exec;

    CudaLossAndIndexing(CudaExec exec) {
        this.exec = exec;
    }

    /** {@code logits (N,C), targets (N,C) -> loss (N), probabilities (N,C)}, contiguous. */
    Backend.SoftmaxCrossEntropy softmaxCrossEntropy(Tensor logits, Tensor targets) {
        CudaExec.requireContiguous("softmaxCrossEntropy", logits, targets);
        if (logits.rank() != 2 || !Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException("softmaxCrossEntropy: logits and targets must both be (N,C), got "
                    + Arrays.toString(logits.shape()) + " and " + Arrays.toString(targets.shape()));
        }
        int rows = logits.shape(0);
        int classes = logits.shape(1);
        Tensor loss = exec.empty(rows);
        Tensor probs = exec.empty(rows, classes);
        if (rows > 0) {
            exec.launch(Kernels.SOFTMAX_XENT_FORWARD, KernelGeometry.softmaxRows(rows), KernelArgs.create().i64(rows)
                    .i64(classes).pointer(exec.address(logits)).pointer(exec.address(targets)).pointer(exec.address(loss))
                    .pointer(exec.address(probs)));
        }
        return new Backend.SoftmaxCrossEntropy(loss, probs);
    }

    /**
     * {@link Backend#softmaxCrossEntropyBackward}: {@code probs (N,C), targets (N,C), rowWeights (N,1) or null,
     * gradLoss (one element) -> dlogits (N,C)}, contiguous, in one launch of {@code softmax_xent_backward_f32}
     * (grid-stride, block 256), which reads gradLoss on the device: bit for bit the composite of sub, mul and affine
     * kernels it replaces.
     */
    Tensor softmaxCrossEntropyBackward(Tensor probs, Tensor targets, Tensor rowWeights, Tensor gradLoss, float scale) {
        SoftmaxCrossEntropyChecks.backward(probs, targets, rowWeights, gradLoss);
        CudaExec.requireContiguous("softmaxCrossEntropyBackward", probs, targets, rowWeights);
        Tensor dlogits = exec.empty(probs.shape());
        long n = dlogits.numel();
        if (n > 0) {
            exec.launch(Kernels.SOFTMAX_XENT_BACKWARD, KernelGeometry.elementwise(n), KernelArgs.create().i64(n)
                    .i64(probs.shape(1)).f32(scale).pointer(exec.address(gradLoss)).pointer(exec.address(probs))
                    .pointer(exec.address(targets)).pointer(exec.addressOrNull(rowWeights))
                    .pointer(exec.address(dlogits)));
        }
        return dlogits;
    }

    /** Contiguous x viewed as (outer, axisSize, inner) -> y (outer, count, inner). */
    Tensor gather(Tensor x, int axis, int[] indices) {
        CudaExec.requireContiguous("gather", x);
        int[] shape = x.shape();
        checkIndices("gather", indices, shape, axis, shape[axis]);
        int[] outShape = shape.clone();
        outShape[axis] = indices.length;
        Tensor y = exec.empty(outShape);
        launchIndexed(Kernels.GATHER_AXIS, y.numel(), indices, shape[axis], inner(shape, axis), exec.address(x), exec.address(y));
        return y;
    }

    /** dy (outer, count, inner) added into a zero dx (outer, axisSize, inner) at the indices (atomicAdd). */
    Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize) {
        CudaExec.requireContiguous("scatterAdd", gradY);
        int[] shape = gradY.shape();
        if (shape[axis] != indices.length) {
            throw new IllegalArgumentException("scatterAdd: dy " + Arrays.toString(shape) + " has " + shape[axis]
                    + " entries on axis " + axis + " for " + indices.length + " indices");
        }
        checkIndices("scatterAdd", indices, shape, axis, axisSize);
        int[] outShape = shape.clone();
        outShape[axis] = axisSize;
        Tensor dx = exec.zeros(outShape);
        launchIndexed(Kernels.SCATTER_ADD, gradY.numel(), indices, axisSize, inner(shape, axis), exec.address(gradY),
                exec.address(dx));
        return dx;
    }

    /**
     * Launches a {@code gather.cu} kernel over {@code n} elements, {@code (n, count, axisSize, inner, indices, src, dst)},
     * with the indices uploaded for the launch.
     */
    private void launchIndexed(KernelSpec kernel, long n, int[] indices, long axisSize, long inner, long src, long dst) {
        if (n == 0) {
            return;
        }
        try (Temporaries temps = new Temporaries()) {
            long idx = upload(indices, temps);
            exec.launch(kernel, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i64(indices.length)
                    .i64(axisSize).i64(inner).pointer(idx).pointer(src).pointer(dst));
        }
    }

    private long upload(int[] indices, Temporaries temps) {
        DeviceBuffer buffer = temps.add(exec.allocator.allocate((long) indices.length * Integer.BYTES, exec.stream));
        exec.transfers.uploadInts(indices, buffer, exec.stream);
        return buffer.address();
    }

    private static void checkIndices(String op, int[] indices, int[] shape, int axis, int axisSize) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= axisSize) {
                throw new IndexOutOfBoundsException(op + ": index " + indices[i] + " (position " + i + ") is outside axis "
                        + axis + " of size " + axisSize + " (shape " + Arrays.toString(shape) + ")");
            }
        }
    }

    private static long inner(int[] shape, int axis) {
        long p = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            p *= shape[i];
        }
        return p;
    }
}
