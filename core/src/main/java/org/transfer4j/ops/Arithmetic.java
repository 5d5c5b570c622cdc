package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ElementwiseChecks;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * add, sub, mul, div and pow with NumPy broadcasting, and a sum with the clamp after it in one pass
 * ({@link #addClamped}). The gradient of a broadcast input is summed back to its own shape
 * ({@link Reduce#sumToShape}).
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor y = binary("add", BinaryOp.ADD, a, b);
        return Autograd.record("add", y, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(g, a.shape()) : null,
            b.requiresGrad() ? Reduce.sumToShape(g, b.shape()) : null}, a, b);
    }

    /**
     * {@code clamp(a + b, low, high)} as one op: a residual sum and the ReLU ({@code 0, +inf}) or ReLU6
     * ({@code 0, 6}) that alone reads it, the same values and gradients as {@link #add} then {@link Unary#clamp}
     * bit for bit. When a and b have one shape and are both contiguous, the backend clamps in the sum's pass
     * ({@link org.transfer4j.backend.Backend#addClamped}: the sum is never written); otherwise (broadcasting, a
     * view) it is that composite. Backward (saved: the output y only, as the clamp's), for both inputs
     * {@code da = db = dy} where {@code low < y < high}, else 0 ({@code unaryBackward(CLAMP)} on y: the clamp's
     * derivative read from its output, {@link Unary#clamp}).
     */
    public static Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        ElementwiseChecks.clampBounds("addClamped", low, high);
        OpChecks.sameDevice("addClamped", a, b);
        if (!Arrays.equals(a.shape(), b.shape()) || !a.isContiguous() || !b.isContiguous()) {
            return Unary.clamp(add(a, b), low, high);
        }
        Tensor y = a.backend().addClamped(a, b, low, high);
        return Autograd.record("addClamped", y, g -> {
            // one tensor for both inputs, as add's backward gives g to both: the tape sums or copies it per input
            Tensor dz = y.backend().unaryBackward(UnaryOp.CLAMP, y, g, low, high);
            return new Tensor[] {a.requiresGrad() ? dz : null, b.requiresGrad() ? dz : null};
        }, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor y = binary("sub", BinaryOp.SUB, a, b);
        return Autograd.record("sub", y, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(g, a.shape()) : null,
            b.requiresGrad() ? Reduce.sumToShape(Unary.neg(g), b.shape()) : null}, a, b);
    }

    /** d(ab)/da = b, d(ab)/db = a. */
    public static Tensor mul(Tensor a, Tensor b) {
        Tensor y = binary("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", y, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(mul(g, b), a.shape()) : null,
            b.requiresGrad() ? Reduce.sumToShape(mul(g, a), b.shape()) : null}, a, b);
    }

    /** d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -y/b. */
    public static Tensor div(Tensor a, Tensor b) {
        Tensor y = binary("div", BinaryOp.DIV, a, b);
        return Autograd.record("div", y, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(div(g, b), a.shape()) : null,
            b.requiresGrad() ? Reduce.sumToShape(Unary.neg(div(mul(g, y), b)), b.shape()) : null}, a, b);
    }

    /** d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a (defined for a > 0). */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor y = binary("pow", BinaryOp.POW, a, b);
        return Autograd.record("pow", y, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(mul(g, mul(b, binary("pow", BinaryOp.POW, a, Unary.affine(b, 1f, -1f)))),
                    a.shape()) : null,
            b.requiresGrad() ? Reduce.sumToShape(mul(g, mul(y, Unary.log(a))), b.shape()) : null}, a, b);
    }

    /** Elementwise {@code a > b ? 1 : 0} etc.; not differentiable (a mask). */
    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        if (op != BinaryOp.EQ && op != BinaryOp.GT && op != BinaryOp.GE) {
            throw new IllegalArgumentException("compare: " + op + " is not a comparison");
        }
        return binary(op.name().toLowerCase(), op, a, b);
    }

    /** The unrecorded forward: checks devices and shapes, then calls the backend. */
    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        OpChecks.sameDevice(name, a, b);
        Shape.broadcast(name, a.shape(), b.shape());
        return a.backend().binary(op, a, b);
    }
}
