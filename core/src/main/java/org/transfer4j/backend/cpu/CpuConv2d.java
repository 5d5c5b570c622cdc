package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.tensor.Tensor;

/** 2-D convolution in NHWC with HWIO kernels. (Being written: see the conv2d work item.) */
final class CpuConv2d {
    private CpuConv2d() {
    }

    static Tensor forward(Tensor x, Tensor kernel, Conv2dSpec spec) {
        throw new UnsupportedOperationException("conv2d: not yet implemented");
    }

    static Tensor backwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        throw new UnsupportedOperationException("conv2d: not yet implemented");
    }

    static Tensor backwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        throw new UnsupportedOperationException("conv2d: not yet implemented");
    }
}
