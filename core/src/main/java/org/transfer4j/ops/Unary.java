package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.Tensor;

/**
 * Elementwise functions of one tensor. Each is a {@link UnaryOp} primitive whose derivative the
 * backend computes from x ({@code dx = dy * f'(x)}), so forward and backward stay one table.
 */
public final class Unary {
    private Unary() {
    }

    public static Tensor neg(Tensor x) {
        return apply(UnaryOp.NEG, x, 0f, 0f);
    }

    public static Tensor exp(Tensor x) {
        return apply(UnaryOp.EXP, x, 0f, 0f);
    }

    /** Natural log; -inf at 0 and NaN below, as in IEEE arithmetic: callers keep inputs positive. */
    public static Tensor log(Tensor x) {
        return apply(UnaryOp.LOG, x, 0f, 0f);
    }

    public static Tensor sqrt(Tensor x) {
        return apply(UnaryOp.SQRT, x, 0f, 0f);
    }

    public static Tensor abs(Tensor x) {
        return apply(UnaryOp.ABS, x, 0f, 0f);
    }

    public static Tensor erf(Tensor x) {
        return apply(UnaryOp.ERF, x, 0f, 0f);
    }

    public static Tensor tanh(Tensor x) {
        return apply(UnaryOp.TANH, x, 0f, 0f);
    }

    public static Tensor sigmoid(Tensor x) {
        return apply(UnaryOp.SIGMOID, x, 0f, 0f);
    }

    /** {@code min(max(x, min), max)}. */
    public static Tensor clamp(Tensor x, float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return apply(UnaryOp.CLAMP, x, min, max);
    }

    public static Tensor relu(Tensor x) {
        return clamp(x, 0f, Float.POSITIVE_INFINITY);
    }

    /** ReLU capped at 6, as in MobileNet (Keras {@code ReLU(max_value=6)}). */
    public static Tensor relu6(Tensor x) {
        return clamp(x, 0f, 6f);
    }

    /** {@code x if x > 0 else slope * x}. */
    public static Tensor leakyRelu(Tensor x, float slope) {
        return apply(UnaryOp.LEAKY_RELU, x, slope, 0f);
    }

    /** {@code x^exponent} for a scalar exponent. */
    public static Tensor pow(Tensor x, float exponent) {
        return apply(UnaryOp.POW_SCALAR, x, exponent, 0f);
    }

    /** {@code scale * x + shift}. */
    public static Tensor affine(Tensor x, float scale, float shift) {
        return apply(UnaryOp.AFFINE, x, scale, shift);
    }

    private static Tensor apply(UnaryOp op, Tensor x, float alpha, float beta) {
        String name = op.name().toLowerCase();
        x.ensureOpen(name);
        Tensor y = x.backend().unary(op, x, alpha, beta);
        // A clamp's derivative (1 strictly between the bounds, else 0, NaN included) is the same read from y,
        // since y = clamp(x) lies strictly inside exactly when x does: saving y lets x go (a ReLU after a batch
        // norm keeps one activation for backward, not two; see Layer.backwardReadsInputs).
        Tensor saved = op == UnaryOp.CLAMP ? y : x;
        return Autograd.record(name, y,
                g -> new Tensor[] {x.backend().unaryBackward(op, saved, g, alpha, beta)}, x);
    }
}
