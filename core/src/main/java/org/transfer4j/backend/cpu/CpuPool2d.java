package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.tensor.Tensor;

/** Max and average pooling in NHWC. (Being written: see the pooling work item.) */
final class CpuPool2d {
    private CpuPool2d() {
    }

    static Tensor forward(Tensor x, Pool2dSpec spec) {
        throw new UnsupportedOperationException("pool2d: not yet implemented");
    }

    static Tensor backward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        throw new UnsupportedOperationException("pool2d: not yet implemented");
    }
}
