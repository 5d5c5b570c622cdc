package org.transfer4j.ops;

import org.transfer4j.autograd.Autograd;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** sum, mean, max, min and variance over axes (all axes when none are given), with or without kept dimensions. */
public final class Reduce {
    private Reduce() {
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes("sum", axes, x.rank());
        int[] inShape = x.shape();
        Tensor y = reduce(ReduceOp.SUM, x, ax, keepDims);
        int[] keptShape = Shape.reduced(inShape, ax, true);
        return Autograd.record("sum", y, g -> new Tensor[] {g.reshape(keptShape).broadcastTo(inShape)}, x);
    }

    /**
     * The sum times {@code 1/count}, as {@code affine(sum(x), 1/count, 0)} computes it and in one backend call
     * ({@code Backend.reduceSumScaled}: a launch fewer on a GPU). Backward: the affine's gradient (dy times the scale,
     * {@code unaryBackward(AFFINE)}, which reads no input values) spread back over the reduced axes, as the two ops'.
     */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes("mean", axes, x.rank());
        float scale = 1f / count(x, ax);
        x.ensureOpen("mean");
        int[] inShape = x.shape();
        int[] keptShape = Shape.reduced(inShape, ax, true);
        Tensor kept = x.backend().reduceSumScaled(x.detach().contiguous(), ax, scale);
        Tensor y = keepDims ? kept : kept.reshape(Shape.reduced(inShape, ax, false));
        return Autograd.record("mean", y, g -> new Tensor[] {
            g.backend().unaryBackward(UnaryOp.AFFINE, g, g, scale, 0f).reshape(keptShape).broadcastTo(inShape)}, x);
    }

    /** Max over axes; the gradient is shared equally among tied maxima. */
    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        return extreme("max", ReduceOp.MAX, x, axes, keepDims);
    }

    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        return extreme("min", ReduceOp.MIN, x, axes, keepDims);
    }

    /** Variance with {@code correction} subtracted from the count (0: population, as Keras; 1: sample, as torch.var). */
    public static Tensor var(Tensor x, int[] axes, boolean keepDims, int correction) {
        int[] ax = Shape.axes("var", axes, x.rank());
        Tensor centred = Arithmetic.sub(x, mean(x, ax, true));
        long n = count(x, ax) - correction;
        if (n <= 0) {
            throw ShapeMismatchException.of("var", "needs more than " + correction + " elements per reduction", x.shape());
        }
        return Unary.affine(sum(Arithmetic.mul(centred, centred), ax, keepDims), 1f / n, 0f);
    }

    /** Sums a broadcast gradient back to {@code shape}: over leading axes and over axes where shape has 1. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int k = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                axes[k++] = i;
            }
        }
        Tensor summed = k == 0 ? g : sum(g, java.util.Arrays.copyOf(axes, k), true);
        return summed.reshape(shape);
    }

    private static Tensor extreme(String name, ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes(name, axes, x.rank());
        int[] inShape = x.shape();
        int[] keptShape = Shape.reduced(inShape, ax, true);
        Tensor y = reduce(op, x, ax, keepDims);
        return Autograd.record(name, y, g -> {
            Tensor yk = y.reshape(keptShape);
            Tensor mask = Arithmetic.compare(BinaryOp.EQ, x, yk);
            Tensor ties = reduce(ReduceOp.SUM, mask, ax, true);
            return new Tensor[] {Arithmetic.mul(mask, Arithmetic.div(g.reshape(keptShape), ties))};
        }, x);
    }

    /** The unrecorded forward. */
    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        x.ensureOpen(op.name().toLowerCase());
        if (x.numel() == 0 && op != ReduceOp.SUM) {
            throw ShapeMismatchException.of(op.name().toLowerCase(), "reduction of an empty tensor", x.shape());
        }
        Tensor kept = x.backend().reduce(op, x.detach().contiguous(), axes); // detach first: no copy node on the tape
        return keepDims ? kept : kept.reshape(Shape.reduced(x.shape(), axes, false));
    }

    private static long count(Tensor x, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= x.shape(a);
        }
        return n;
    }
}
