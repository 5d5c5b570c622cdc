package org.transfer4j.cuda.backend;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.cuda.dnn.PoolPlan;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Tensor;

/**
 * Max and average pooling in NHWC through cuDNN: {@code x (N,H,W,C) -> y (N,OH,OW,C)} and back. Max is
 * {@code CUDNN_POOLING_MAX_DETERMINISTIC}, average {@code AVERAGE_COUNT_EXCLUDE_PADDING} ({@link PoolPlan}).
 * Asymmetric padding (TensorFlow {@code same} with an odd total) goes through an explicit pre-pad
 * ({@link PoolRoute}): -inf cells for max; zero cells and a per-pixel correction for average, whose
 * {@code (1,OH,OW,1)} factors are uploaded once per (spec, H, W) and kept.
 */
final class CudaPool {
    private final CudaExec exec;
    private final Map<List<Object>, Tensor> corrections = new ConcurrentHashMap<>();

    CudaPool(CudaExec exec) {
        this.exec = exec;
    }

    Tensor forward(Tensor x, Pool2dSpec spec) {
        CudaExec.requireContiguous("pool2d", x);
        int[] s = shape4("pool2d", x);
        PoolRoute route = PoolRoute.of(spec);
        Tensor y = exec.empty(s[0], spec.outHeight(s[1]), spec.outWidth(s[2]), s[3]);
        if (y.numel() == 0) {
            return y;
        }
        try (Temporaries temps = new Temporaries()) {
            if (!route.prePad()) {
                exec.layers.poolingForward(exec.streamAddress, PoolPlan.of(s, spec), exec.address(x), exec.address(y));
                return y;
            }
            Tensor padded = prePad(x, spec, temps);
            exec.layers.poolingForward(exec.streamAddress, PoolPlan.of(padded.shape(), route.inner()), exec.address(padded),
                    exec.address(y));
            if (spec.kind() == Pool2dSpec.Kind.AVG) {
                scaleInPlace(y, correction(spec, s[1], s[2]));
            }
        }
        return y;
    }

    Tensor backward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        CudaExec.requireContiguous("pool2dBackward", x, y, gradY);
        int[] s = shape4("pool2dBackward", x);
        int[] outShape = {s[0], spec.outHeight(s[1]), spec.outWidth(s[2]), s[3]};
        if (!Arrays.equals(y.shape(), outShape) || !Arrays.equals(gradY.shape(), outShape)) {
            throw new IllegalArgumentException("pool2dBackward: y and dy must be " + Arrays.toString(outShape)
                    + ", got " + Arrays.toString(y.shape()) + " and " + Arrays.toString(gradY.shape()));
        }
        Tensor dx = exec.empty(s);
        if (gradY.numel() == 0) {
            exec.memsetZero(exec.address(dx), dx.numel());
            return dx;
        }
        PoolRoute route = PoolRoute.of(spec);
        try (Temporaries temps = new Temporaries()) {
            if (!route.prePad()) {
                exec.layers.poolingBackward(exec.streamAddress, PoolPlan.of(s, spec), exec.address(y), exec.address(gradY),
                        exec.address(x), exec.address(dx));
                return dx;
            }
            Tensor padded = prePad(x, spec, temps);
            Tensor dy = gradY;
            if (spec.kind() == Pool2dSpec.Kind.AVG) {
                dy = temps.add(exec.empty(outShape));
                exec.stridedCopy(gradY, dy);
                scaleInPlace(dy, correction(spec, s[1], s[2]));
            }
            Tensor dxPadded = temps.add(exec.empty(padded.shape()));
            exec.layers.poolingBackward(exec.streamAddress, PoolPlan.of(padded.shape(), route.inner()), exec.address(y),
                    exec.address(dy), exec.address(padded), exec.address(dxPadded));
            long n = dx.numel();
            int[] p = padded.shape();
            exec.launch(Kernels.CROP_NHWC, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i32(s[1]).i32(s[2])
                    .i32(s[3]).i32(p[1]).i32(p[2]).i32(spec.padTop()).i32(spec.padLeft()).pointer(exec.address(dxPadded))
                    .pointer(exec.address(dx)));
        }
        return dx;
    }

    /** x padded on all four sides with the spec's padding and {@link PoolRoute#padValue}: a scratch tensor. */
    private Tensor prePad(Tensor x, Pool2dSpec spec, Temporaries temps) {
        int[] s = x.shape();
        int ph = s[1] + spec.padTop() + spec.padBottom();
        int pw = s[2] + spec.padLeft() + spec.padRight();
        Tensor padded = temps.add(exec.empty(s[0], ph, pw, s[3]));
        long n = padded.numel();
        exec.launch(Kernels.PAD_NHWC, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i32(s[1]).i32(s[2]).i32(s[3])
                .i32(ph).i32(pw).i32(spec.padTop()).i32(spec.padLeft()).f32(PoolRoute.padValue(spec))
                .pointer(exec.address(x)).pointer(exec.address(padded)));
        return padded;
    }

    /** {@code t (N,OH,OW,C) *= factor (1,OH,OW,1)} with {@code mul_bcast_f32} (in place is allowed: y is a). */
    private void scaleInPlace(Tensor t, Tensor factor) {
        int[] s = t.shape();
        Tensor f = factor.view(s, new int[] {0, s[2], 1, 0}, factor.offset());
        long pt = exec.address(t);
        long pf = exec.address(factor);
        for (StridedLayout.Piece p : StridedLayout.pieces(s, t.strides(), f.strides(), t.strides())) {
            long n = p.count();
            long[] off = p.offsets();
            exec.launch(Kernels.binary(org.transfer4j.backend.BinaryOp.MUL, true), KernelGeometry.elementwise(n),
                    KernelArgs.create().i64(n).struct(p.struct(0, 1)).pointer(pt + off[0] * Float.BYTES)
                            .pointer(pf + off[1] * Float.BYTES).pointer(pt + off[2] * Float.BYTES));
        }
    }

    /** The average-pool correction of (spec, h, w) on the device, uploaded on first use. */
    private Tensor correction(Pool2dSpec spec, int h, int w) {
        return corrections.computeIfAbsent(List.of(spec, h, w), k -> {
            float[] f = PoolRoute.averageCorrection(spec, h, w);
            CudaStorage storage = exec.storage(f.length);
            exec.transfers.upload(f, 0, f.length, storage.buffer(), 0, exec.stream);
            return Tensor.over(storage, f.length); // the backend's cache: no TensorScope may free it
        });
    }

    private static int[] shape4(String op, Tensor x) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException(op + ": x must be (N,H,W,C), got " + Arrays.toString(s));
        }
        return s;
    }
}
