package org.transfer4j.ops;

import org.transfer4j.backend.BinaryOp;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Inverted dropout, as Keras {@code Dropout(rate)}: {@code x (any shape) -> y} of the same shape.
 * In training each element is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)},
 * so the expected value of y equals x and inference needs no rescaling: there dropout is the identity.
 *
 * <p>The mask is {@code (u >= rate) / (1 - rate)} for u uniform in [0, 1) from the counter-based
 * {@link Generator}: the same seed and counter give the same mask on any backend. It is composed
 * from primitives ({@code y = x * mask}), so its backward is the multiply's: {@code dx = dy * mask}.
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
        Tensor u = Tensor.zeros(x.device(), x.shape());
        x.backend().randomUniform(u, gen.seed(), gen.reserve(u.numel()), 0f, 1f);
        Tensor keep = Arithmetic.compare(BinaryOp.GE, u, scalarLike(x, rate));
        Tensor mask = Unary.affine(keep, 1f / (1f - rate), 0f);
        return Arithmetic.mul(x, mask);
    }

    /** A scalar on x's device, so the comparison also works for GPU tensors. */
    private static Tensor scalarLike(Tensor x, float value) {
        Tensor s = Tensor.zeros(x.device());
        x.backend().fill(s, value);
        return s;
    }
}
