package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Inverted dropout, as Keras {@code Dropout(rate)}: {@code x (any shape) -> y} of the same shape.
 * In training each element is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)},
 * so the expected value of y equals x and inference needs no rescaling: there dropout is the identity.
 *
 * <p>The mask is {@code (u >= rate) / (1 - rate)} for u uniform in [0, 1) from the counter-based
 * {@link Generator}: the same seed and counter give the same mask on any backend. One fused backend op,
 * {@link org.transfer4j.backend.Backend#dropout}, draws it and applies it ({@code y = x * mask}, bit for bit the
 * composite of a uniform draw, a comparison, a scaling and a multiply); the backward pass multiplies by the mask
 * it returned ({@code dx = dy * mask}), which costs less than drawing it again on a CPU.
 */
public final class Dropout {
    private Dropout() {
    }

    /**
     * Returns x itself when not training or when {@code rate == 0}; otherwise x with a fresh mask
     * drawn from {@code gen} (which advances by {@code x.numel()} counters).
     */
    public static Tensor dropout(Tensor x, float rate, Generator gen, boolean training) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        x.ensureOpen("dropout");
        if (!training || rate == 0f) {
            return x;
        }
        long seed = gen.seed();
        long counter = gen.reserve(x.numel());
        float scale = 1f / (1f - rate);
        Tensor in = x.contiguous(); // element i (row-major) takes counter + i, whatever x's strides
        Backend.DropoutForward f = in.backend().dropout(in, seed, counter, rate, scale);
        Tensor mask = f.mask();
        return Autograd.record("dropout", f.output(), g -> new Tensor[] {g.backend().binary(BinaryOp.MUL, g, mask)},
                in);
    }
}
