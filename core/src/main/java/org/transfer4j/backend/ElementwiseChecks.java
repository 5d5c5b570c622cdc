package org.transfer4j.backend;

import java.util.Arrays;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The argument checks every backend's {@link Backend#addClamped} and {@link Backend#addInPlace} make before they
 * compute: a and b of one shape, both contiguous, and for the clamp {@code low <= high}, which is every fused clamp's
 * ({@link #clampBounds}).
 */
public final class ElementwiseChecks {
    private ElementwiseChecks() {
    }

    /**
     * Checks the bounds of a clamp fused into another op (a batch norm's, a sum's): {@code low <= high}, neither NaN.
     *
     * @param op the op or SPI method, named in the error
     * @throws IllegalArgumentException naming both bounds
     */
    public static void clampBounds(String op, float low, float high) {
        if (!(low <= high)) {
            throw new IllegalArgumentException(op + ": the clamp's low bound " + low + " is not <= its high bound "
                    + high);
        }
    }

    /**
     * Checks {@link Backend#addClamped}'s arguments.
     *
     * @throws ShapeMismatchException naming both shapes when a and b differ (the primitive does not broadcast)
     * @throws IllegalArgumentException naming the bounds when {@code low <= high} does not hold (either NaN
     *         included), or the shape and strides of an input that is not contiguous
     */
    public static void addClamped(Tensor a, Tensor b, float low, float high) {
        sameShapeContiguous("addClamped", a, b);
        clampBounds("addClamped", low, high);
    }

    /**
     * Checks the two inputs of an elementwise primitive that does not broadcast ({@link Backend#addClamped},
     * {@link Backend#addInPlace}): one shape, both contiguous.
     *
     * @throws ShapeMismatchException naming both shapes when they differ
     * @throws IllegalArgumentException naming the shape and strides of an input that is not contiguous
     */
    public static void sameShapeContiguous(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw ShapeMismatchException.of(op, "a and b must have one shape (the primitive does not broadcast)",
                    a.shape(), b.shape());
        }
        for (Tensor t : new Tensor[] {a, b}) {
            if (!t.isContiguous()) {
                throw new IllegalArgumentException(op + ": " + (t == a ? "a" : "b") + " must be contiguous, got shape "
                        + Arrays.toString(t.shape()) + " strides " + Arrays.toString(t.strides()));
            }
        }
    }
}
