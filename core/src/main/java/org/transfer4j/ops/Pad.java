package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Constant padding: {@code x (d_0, ..., d_k) -> y (b_0 + d_0 + a_0, ..., b_k + d_k + a_k)} where
 * {@code padding[axis] = {b, a}} (before, after). Keras {@code ZeroPadding2D(((t, b), (l, r)))} on
 * {@code x (N,H,W,C)} is {@code pad(x, {{0,0},{t,b},{l,r},{0,0}}, 0)}.
 *
 * <p>Forward: fill a new tensor with {@code value}, then copy x into its interior window. Backward:
 * {@code dx} is that same window of {@code dy} (the padding is constant, so it has no gradient).
 */
public final class Pad {
    private Pad() {
    }

    public static Tensor pad(Tensor x, int[][] padding, float value) {
        x.ensureOpen("pad");
        int rank = x.rank();
        int[] inShape = x.shape();
        if (padding.length != rank) {
            throw ShapeMismatchException.of("pad", "needs one {before, after} pair per axis, got "
                    + padding.length + " pairs " + Arrays.deepToString(padding), inShape);
        }
        int[] outShape = inShape.clone();
        for (int a = 0; a < rank; a++) {
            if (padding[a] == null || padding[a].length != 2 || padding[a][0] < 0 || padding[a][1] < 0) {
                throw ShapeMismatchException.of("pad", "padding of axis " + a + " must be two non-negative sizes"
                        + " {before, after}, got " + Arrays.deepToString(padding), inShape);
            }
            outShape[a] = Math.addExact(inShape[a], Math.addExact(padding[a][0], padding[a][1]));
        }
        Tensor y = Tensor.zeros(x.device(), outShape);
        if (value != 0f) {
            y.backend().fill(y, value);
        }
        y.backend().copy(x, interior(y, padding, inShape));
        return Autograd.record("pad", y, g -> new Tensor[] {interior(g, padding, inShape)}, x);
    }

    /** The window of a padded tensor where the unpadded values sit (a view, not recorded when t needs no grad). */
    private static Tensor interior(Tensor t, int[][] padding, int[] inShape) {
        Tensor w = t;
        for (int a = 0; a < inShape.length; a++) {
            w = Views.slice(w, a, padding[a][0], padding[a][0] + inShape[a], 1);
        }
        return w;
    }
}
