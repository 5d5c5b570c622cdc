package org.transfer4j.optim;

import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.tensor.Tensor;

/** Small real weights for optimizer tests, with gradients set by hand. */
final class TinyWeights {
    private TinyWeights() {
    }

    /** The kernel {@code (1, n)} of a bias-free {@code Dense(n)} on one input feature, holding {@code values}. */
    static Weight weight(float... values) {
        Layer dense = new Dense(values.length).useBias(false);
        new Sequential(new int[] {1}, dense);
        Weight w = dense.weight("kernel");
        w.assign(values);
        return w;
    }

    /** Replaces the gradient of {@code w} with {@code g} (row-major), as one backward pass would leave it. */
    static void setGrad(Weight w, float... g) {
        w.value().zeroGrad();
        w.value().accumulateGrad(Tensor.of(g, w.shape()));
    }

    static float[] values(Weight w) {
        return w.value().toArray();
    }
}
