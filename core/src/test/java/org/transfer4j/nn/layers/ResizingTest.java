package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * {@link Resizing}: TensorFlow's half-pixel bilinear resize (its equality with the importer's
 * {@code Resize.BILINEAR}, itself checked against TensorFlow's numbers, is tested in importers), here its
 * hand-worked values, its gradient and its errors.
 */
class ResizingTest {
    @Test
    void doublingARowInterpolatesAtQuarterPixels() {
        // in 2 -> out 4: p = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 25, 75, 100 (edges clamp)
        Tensor row = Tensor.of(new float[] {0, 100}, 1, 1, 2, 1);
        assertArrayEquals(new float[] {0, 25, 75, 100}, new Resizing(1, 4).call(row, false).toArray(), 1e-5f);
        Tensor column = Tensor.of(new float[] {0, 100}, 1, 2, 1, 1);
        assertArrayEquals(new float[] {0, 25, 75, 100}, new Resizing(4, 1).call(column, false).toArray(), 1e-5f);
    }

    @Test
    void theSameSizeIsTheInputAndShapesFollowTheLayer() {
        Tensor x = OpCheck.randn(1, 2, 3, 4, 5);
        assertSame(x, new Resizing(3, 4).call(x, false));
        assertArrayEquals(new int[] {7, 2, 5}, new Resizing(7, 2).apply(Input.of(3, 4, 5)).shape());
    }

    @Test
    void gradientReachesTheImageWhenEnlargingAndShrinking() {
        OpCheck.gradcheck("resizing up", x -> new Resizing(5, 7).call(x[0], true), OpCheck.randn(2, 2, 3, 4, 2));
        OpCheck.gradcheck("resizing down", x -> new Resizing(2, 3).call(x[0], true), OpCheck.randn(3, 1, 5, 7, 2));
    }

    @Test
    void badSizesAndInputsAreRefusedNamingTheLayer() {
        assertThrows(IllegalArgumentException.class, () -> new Resizing(0, 4));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new Resizing(4, 4).named("to_four").apply(Input.of(8, 3)));
        assertTrue(e.getMessage().contains("to_four"), e.getMessage());
        assertEquals(4, new Resizing(4, 6).height());
    }
}
