package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.SoftmaxCrossEntropyChecks;
import org.transfer4j.tensor.Tensor;

/**
 * Fused softmax cross-entropy per row: {@code loss = logsumexp(z) - sum_c t_c z_c} with
 * {@code z = logits - max} (so exp never overflows) and {@code sum_c t_c = 1} assumed by the op; and its
 * backward pass in one loop.
 */
final class CpuSoftmaxCrossEntropy {
    private CpuSoftmaxCrossEntropy() {
    }

    static Backend.SoftmaxCrossEntropy forward(Tensor logits, Tensor targets) {
        CpuBackend.requireContiguous("softmaxCrossEntropy", logits, targets);
        int rows = logits.shape(0);
        int classes = logits.shape(1);
        Tensor loss = CpuBackend.newTensor(rows);
        Tensor probs = CpuBackend.newTensor(rows, classes);
        float[] z = CpuBackend.data(logits);
        float[] t = CpuBackend.data(targets);
        float[] l = CpuBackend.data(loss);
        float[] p = CpuBackend.data(probs);
        int zo = logits.offset();
        int to = targets.offset();
        CpuParallel.forRange(rows, Math.max(1, 4096 / Math.max(1, classes)), (from, end) -> {
            for (int r = from; r < end; r++) {
                int zr = zo + r * classes;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, z[zr + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double e = Math.exp(z[zr + c] - max);
                    p[r * classes + c] = (float) e;
                    sum += e;
                }
                double logSum = Math.log(sum);
                double lossRow = 0;
                for (int c = 0; c < classes; c++) {
                    p[r * classes + c] = (float) (p[r * classes + c] / sum);
                    float tc = t[to + r * classes + c];
                    if (tc != 0f) { // 0 * (-inf) would be NaN for a masked-out logit
                        lossRow += tc * (logSum - (z[zr + c] - max));
                    }
                }
                l[r] = (float) lossRow;
            }
        });
        return new Backend.SoftmaxCrossEntropy(loss, probs);
    }

    /**
     * {@link Backend#softmaxCrossEntropyBackward}: {@code probs (N,C), targets (N,C), rowWeights (N,1) or null,
     * gradLoss (one element) -> dlogits (N,C)}, one pass with the roundings of the composite ({@code binary(SUB)},
     * {@code binary(MUL)}, {@code unary(AFFINE, scale, 0)}): float add, subtract and multiply are exact IEEE
     * operations, so this scalar loop gives the bits of their vectorised loops; Java never fuses into an FMA.
     */
    static Tensor backward(Tensor probs, Tensor targets, Tensor rowWeights, Tensor gradLoss, float scale) {
        SoftmaxCrossEntropyChecks.backward(probs, targets, rowWeights, gradLoss);
        CpuBackend.requireContiguous("softmaxCrossEntropyBackward", probs, targets, rowWeights);
        int rows = probs.shape(0);
        int classes = probs.shape(1);
        Tensor dlogits = CpuBackend.newTensor(rows, classes);
        float[] p = CpuBackend.data(probs);
        float[] t = CpuBackend.data(targets);
        float[] w = rowWeights == null ? null : CpuBackend.data(rowWeights);
        float[] dz = CpuBackend.data(dlogits);
        float g = CpuBackend.data(gradLoss)[gradLoss.offset()];
        int po = probs.offset();
        int to = targets.offset();
        int wo = rowWeights == null ? 0 : rowWeights.offset();
        CpuParallel.forRange(rows, Math.max(1, 16384 / Math.max(1, classes)), (from, end) -> {
            for (int r = from; r < end; r++) {
                int pr = po + r * classes;
                int tr = to + r * classes;
                int zr = r * classes;
                if (w == null) {
                    for (int c = 0; c < classes; c++) {
                        float d = (p[pr + c] - t[tr + c]) * g;
                        dz[zr + c] = scale * d + 0f; // the affine's + 0: -0 becomes +0
                    }
                } else {
                    float wr = w[wo + r];
                    for (int c = 0; c < classes; c++) {
                        float d = (p[pr + c] - t[tr + c]) * wr * g; // (d * w) * g, left to right as the composite
                        dz[zr + c] = scale * d + 0f;
                    }
                }
            }
        });
        return dlogits;
    }
}
