package org.transfer4j.backend.cpu;

import org.transfer4j.tensor.Tensor;

/** Index selection along one axis and its adjoint, viewing x as (outer, axisSize, inner). */
final class CpuGather {
    private CpuGather() {
    }

    static Tensor gather(Tensor x, int axis, int[] indices) {
        CpuBackend.requireContiguous("gather", x);
        int[] shape = x.shape();
        int outer = prod(shape, 0, axis);
        int size = shape[axis];
        int inner = prod(shape, axis + 1, shape.length);
        int[] outShape = shape.clone();
        outShape[axis] = indices.length;
        Tensor y = CpuBackend.newTensor(outShape);
        float[] xs = CpuBackend.data(x);
        float[] ys = CpuBackend.data(y);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < indices.length; j++) {
                System.arraycopy(xs, x.offset() + (o * size + indices[j]) * inner, ys, (o * indices.length + j) * inner,
                        inner);
            }
        }
        return y;
    }

    static Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize) {
        CpuBackend.requireContiguous("scatterAdd", gradY);
        int[] shape = gradY.shape();
        int outer = prod(shape, 0, axis);
        int inner = prod(shape, axis + 1, shape.length);
        int[] outShape = shape.clone();
        outShape[axis] = axisSize;
        Tensor dx = CpuBackend.newTensor(outShape);
        float[] gs = CpuBackend.data(gradY);
        float[] ds = CpuBackend.data(dx);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < indices.length; j++) {
                int src = gradY.offset() + (o * indices.length + j) * inner;
                int dst = (o * axisSize + indices[j]) * inner;
                for (int i = 0; i < inner; i++) {
                    ds[dst + i] += gs[src + i];
                }
            }
        }
        return dx;
    }

    private static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
