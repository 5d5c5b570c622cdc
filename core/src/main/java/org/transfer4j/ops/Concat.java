package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Joining tensors along an axis and cutting one apart (Keras {@code Concatenate}, NumPy
 * {@code concatenate} / {@code split}).
 *
 * <p>{@code concat(axis, x_0 (..., n_0, ...), ..., x_k (..., n_k, ...)) -> y (..., n_0 + ... + n_k, ...)}:
 * all shapes equal except along {@code axis}. The forward copies each input into its window of a
 * new tensor ({@code Backend.copy} into a slice view); the backward hands each input the matching
 * slice of {@code dy}. {@link #split} is the inverse: slices, so its gradient comes from {@code slice}.
 */
public final class Concat {
    private Concat() {
    }

    /** Joins {@code xs} along {@code axis} (negative counts from the end); one input is returned as a copy. */
    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        OpChecks.sameDevice("concat", xs[0], Arrays.copyOfRange(xs, 1, xs.length));
        int a = Shape.axis("concat", axis, xs[0].rank());
        int[] outShape = xs[0].shape();
        int[] starts = new int[xs.length + 1]; // input i fills [starts[i], starts[i+1]) of the axis
        for (int i = 0; i < xs.length; i++) {
            checkCompatible(xs, i, a);
            starts[i + 1] = starts[i] + xs[i].shape(a);
        }
        outShape[a] = starts[xs.length];
        Tensor y = Tensor.zeros(xs[0].device(), outShape);
        for (int i = 0; i < xs.length; i++) {
            // y does not require grad, so this slice is a plain view: the copy is not recorded.
            y.backend().copy(xs[i], Views.slice(y, a, starts[i], starts[i + 1], 1));
        }
        return Autograd.record("concat", y, g -> {
            Tensor[] dxs = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                dxs[i] = xs[i].requiresGrad() ? Views.slice(g, a, starts[i], starts[i + 1], 1) : null;
            }
            return dxs;
        }, xs);
    }

    /**
     * Cuts {@code x} along {@code axis} into pieces of the given sizes, which must add up to the
     * axis length: {@code x (..., n, ...) -> [(..., sizes[0], ...), (..., sizes[1], ...), ...]}.
     * The pieces are views of x.
     */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        x.ensureOpen("split");
        int a = Shape.axis("split", axis, x.rank());
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw ShapeMismatchException.of("split", "negative size in " + Arrays.toString(sizes), x.shape());
            }
            total += s;
        }
        if (total != x.shape(a)) {
            throw ShapeMismatchException.of("split", "sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but axis " + axis + " has " + x.shape(a) + " elements", x.shape());
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = Views.slice(x, a, start, start + sizes[i], 1);
            start += sizes[i];
        }
        return parts;
    }

    private static void checkCompatible(Tensor[] xs, int i, int axis) {
        int[] first = xs[0].shape();
        int[] s = xs[i].shape();
        boolean ok = s.length == first.length;
        for (int d = 0; ok && d < s.length; d++) {
            ok = d == axis || s[d] == first[d];
        }
        if (!ok) {
            throw ShapeMismatchException.of("concat", "input " + i + " differs from input 0 outside axis " + axis,
                    first, s);
        }
    }
}
