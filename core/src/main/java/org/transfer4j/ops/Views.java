package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Shape and stride views: no data moves (except {@link #copy} and a reshape of a non-contiguous
 * tensor). Each backward maps the gradient back to the input's shape.
 */
public final class Views {
    private Views() {
    }

    /** Same elements, new shape; one dimension may be -1 (inferred). Copies only when x is not contiguous. */
    public static Tensor reshape(Tensor x, int... newShape) {
        x.ensureOpen("reshape");
        int[] target = inferShape(x, newShape);
        int[] inShape = x.shape();
        Tensor src = x.isContiguous() ? x : copy(x);
        Tensor y = src.view(target, Shape.contiguousStrides(target), src.offset());
        return Autograd.record("reshape", y, g -> new Tensor[] {reshape(g, inShape)}, src);
    }

    private static int[] inferShape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw ShapeMismatchException.of("reshape", "only one dimension can be -1", x.shape(), newShape);
                }
                infer = i;
            } else if (s[i] < 0) {
                throw ShapeMismatchException.of("reshape", "negative dimension", x.shape(), newShape);
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0) { // 0 * anything = 0: the -1 cannot be inferred (it used to slip through as -1)
                throw ShapeMismatchException.of("reshape", "cannot infer -1 next to a zero dimension", x.shape(),
                        newShape);
            }
            s[infer] = (int) (x.numel() / known);
        }
        if (Shape.numel(s) != x.numel()) {
            throw ShapeMismatchException.of("reshape", "element counts differ", x.shape(), newShape);
        }
        return s;
    }

    /** Reorders axes: output axis i is input axis {@code axes[i]}. */
    public static Tensor permute(Tensor x, int... axes) {
        x.ensureOpen("permute");
        int rank = x.rank();
        if (axes.length != rank) {
            throw ShapeMismatchException.of("permute", "needs one axis per dimension, got " + Arrays.toString(axes),
                    x.shape());
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] newShape = new int[rank];
        int[] newStrides = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int a = Shape.axis("permute", axes[i], rank);
            if (seen[a]) {
                throw ShapeMismatchException.of("permute", "axis " + axes[i] + " repeated", x.shape());
            }
            seen[a] = true;
            newShape[i] = shape[a];
            newStrides[i] = strides[a];
            inverse[a] = i;
        }
        Tensor y = x.view(newShape, newStrides, x.offset());
        return Autograd.record("permute", y, g -> new Tensor[] {permute(g, inverse)}, x);
    }

    public static Tensor transpose(Tensor x, int axisA, int axisB) {
        int rank = x.rank();
        int[] axes = new int[rank];
        Arrays.setAll(axes, i -> i);
        int a = Shape.axis("transpose", axisA, rank);
        int b = Shape.axis("transpose", axisB, rank);
        axes[a] = b;
        axes[b] = a;
        return permute(x, axes);
    }

    /** Elements {@code start, start+step, ... < end} of {@code axis}; negative start/end count from the end. */
    public static Tensor slice(Tensor x, int axis, int start, int end, int step) {
        x.ensureOpen("slice");
        int a = Shape.axis("slice", axis, x.rank());
        int n = x.shape(a);
        int s = start < 0 ? start + n : start;
        int e = end < 0 ? end + n : Math.min(end, n);
        if (step < 1 || s < 0 || s > n || e < s) {
            throw ShapeMismatchException.of("slice", "range [" + start + ", " + end + ") step " + step
                    + " is invalid for axis " + axis, x.shape());
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int offset = x.offset() + s * strides[a];
        shape[a] = (e - s + step - 1) / step;
        strides[a] *= step;
        Tensor y = x.view(shape, strides, offset);
        int[] inShape = x.shape();
        return Autograd.record("slice", y, g -> {
            Tensor gx = Tensor.zeros(g.device(), inShape);
            Tensor window = gx.slice(a, s, e, step);
            g.backend().copy(g, window);
            return new Tensor[] {gx};
        }, x);
    }

    /** Removes {@code axis}, which must have size 1. A view for any strides (never copies). */
    public static Tensor squeeze(Tensor x, int axis) {
        int a = Shape.axis("squeeze", axis, x.rank());
        if (x.shape(a) != 1) {
            throw ShapeMismatchException.of("squeeze", "axis " + axis + " has size " + x.shape(a) + ", not 1", x.shape());
        }
        int[] inShape = x.shape();
        Tensor y = x.view(remove(inShape, a), remove(x.strides(), a), x.offset());
        return Autograd.record("squeeze", y, g -> new Tensor[] {unsqueeze(g, a)}, x);
    }

    /** Inserts an axis of size 1 at {@code axis} (in the output's numbering). A view for any strides. */
    public static Tensor unsqueeze(Tensor x, int axis) {
        int a = Shape.axis("unsqueeze", axis, x.rank() + 1);
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] outShape = new int[shape.length + 1];
        int[] outStrides = new int[shape.length + 1];
        for (int i = 0, k = 0; i < outShape.length; i++) {
            if (i == a) {
                outShape[i] = 1;
                outStrides[i] = 0; // a size-1 axis is never stepped over, so any stride is right
            } else {
                outShape[i] = shape[k];
                outStrides[i] = strides[k++];
            }
        }
        Tensor y = x.view(outShape, outStrides, x.offset());
        return Autograd.record("unsqueeze", y, g -> new Tensor[] {squeeze(g, a)}, x);
    }

    /** A stride-0 view repeating size-1 axes (and new leading axes) up to {@code shape}. */
    public static Tensor broadcastTo(Tensor x, int... shape) {
        int[] in = x.shape();
        int[] target = Shape.check("broadcastTo", shape);
        if (!Arrays.equals(Shape.broadcast("broadcastTo", in, target), target)) {
            throw ShapeMismatchException.of("broadcastTo", "cannot broadcast", in, target);
        }
        if (Arrays.equals(in, target)) {
            return x;
        }
        int lead = target.length - in.length;
        int[] strides = new int[target.length];
        int[] inStrides = x.strides();
        for (int i = 0; i < in.length; i++) {
            strides[lead + i] = in[i] == 1 ? 0 : inStrides[i];
        }
        Tensor y = x.view(target, strides, x.offset());
        return Autograd.record("broadcastTo", y, g -> new Tensor[] {Reduce.sumToShape(g, in)}, x);
    }

    /** A new contiguous tensor with x's values. */
    public static Tensor copy(Tensor x) {
        x.ensureOpen("copy");
        Tensor y = Tensor.zeros(x.device(), x.shape());
        x.backend().copy(x, y);
        return Autograd.record("copy", y, g -> new Tensor[] {g}, x);
    }

    static int[] remove(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i != axis) {
                out[k++] = shape[i];
            }
        }
        return out;
    }
}
