package org.transfer4j.ops;

import org.transfer4j.tensor.Tensor;

/**
 * Softmax and log-softmax along one axis, composed from primitives. Both subtract the (detached)
 * maximum first, so exp never overflows and log never sees 0: large logits give no NaN.
 * Subtracting a constant does not change either function, so detaching the max loses no gradient.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor softmax(Tensor x, int axis) {
        Tensor e = Unary.exp(Arithmetic.sub(x, shift(x, axis)));
        return Arithmetic.div(e, Reduce.sum(e, new int[] {axis}, true));
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        Tensor z = Arithmetic.sub(x, shift(x, axis));
        return Arithmetic.sub(z, Unary.log(Reduce.sum(Unary.exp(z), new int[] {axis}, true)));
    }

    private static Tensor shift(Tensor x, int axis) {
        return Reduce.reduce(org.transfer4j.backend.ReduceOp.MAX, x,
                org.transfer4j.tensor.Shape.axes("softmax", new int[] {axis}, x.rank()), true);
    }
}
