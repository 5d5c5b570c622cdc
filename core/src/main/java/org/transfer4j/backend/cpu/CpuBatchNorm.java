package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Backend;
import org.transfer4j.tensor.Tensor;

/** Batch normalisation over the last axis. (Being written: see the batch-norm work item.) */
final class CpuBatchNorm {
    private CpuBatchNorm() {
    }

    static Backend.BatchNormForward training(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        throw new UnsupportedOperationException("batchNorm: not yet implemented");
    }

    static Tensor inference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon) {
        throw new UnsupportedOperationException("batchNorm: not yet implemented");
    }

    static Backend.BatchNormGradients backward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        throw new UnsupportedOperationException("batchNorm: not yet implemented");
    }
}
