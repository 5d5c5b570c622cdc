package org.transfer4j.ops;

import org.transfer4j.tensor.Tensor;

/**
 * Gaussian error linear unit, composed from primitives (so its gradient comes from theirs):
 * exact {@code 0.5 x (1 + erf(x / sqrt 2))} (Keras and PyTorch default), or the tanh approximation
 * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
 */
public final class Gelu {
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private Gelu() {
    }

    public static Tensor gelu(Tensor x) {
        return gelu(x, false);
    }

    public static Tensor gelu(Tensor x, boolean approximate) {
        Tensor inner = approximate
                ? Unary.tanh(Unary.affine(x.add(x.pow(3f).mul(0.044715f)), SQRT_2_OVER_PI, 0f))
                : Unary.erf(Unary.affine(x, INV_SQRT2, 0f));
        return Arithmetic.mul(Unary.affine(x, 0.5f, 0f), Unary.affine(inner, 1f, 1f));
    }
}
