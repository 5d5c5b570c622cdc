package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class CpuMovingAverageTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @Test
    void updatesInPlaceAsTheTwoScalingsAndTheSumDid() {
        float[] avg = {0f, 1f, -2.5f, 3.1f, 1e-3f};
        float[] val = {1f, 0.5f, 4f, -3.1f, 7f};
        float m = 0.99f;
        Tensor average = Tensor.of(avg.clone(), 5);
        Tensor value = Tensor.of(val, 5);
        // what BatchNorm did before this op existed: affine, affine, add (then a copy back)
        float[] before = Arithmetic.add(Unary.affine(Tensor.of(avg, 5), m, 0f), Unary.affine(value, 1f - m, 0f)).toArray();
        cpu.movingAverage(average, value, m);
        assertArrayEquals(before, average.toArray(), 0f, "bit for bit the composed update");
        // by hand for one element: 0.99 * 0 + 0.01 * 1 = 0.01 (in float: 0.00999999 = 1 - 0.99f, rounded)
        assertArrayEquals(new float[] {(1f - m) * 1f}, new float[] {average.toArray()[0]}, 0f);
    }

    @Test
    void refusesOtherShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> cpu.movingAverage(Tensor.zeros(3), Tensor.zeros(4), 0.9f));
        assertTrue(e.getMessage().contains("movingAverage"), e.getMessage());
    }
}
