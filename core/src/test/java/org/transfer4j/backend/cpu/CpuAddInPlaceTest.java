package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * {@code Backend.addInPlace}: the CPU's one pass and the SPI's default (the sum, copied back) give
 * {@code binary(ADD)}'s bits, over more elements than one parallel grain, with NaN, infinities and signed zeros, into
 * a view that starts inside its storage; a second operand of another shape or one that is not contiguous is named.
 */
class CpuAddInPlaceTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @Test
    void theSumWrittenOverTheFirstOperandIsBinaryAddsBitForBit() {
        int n = 70_001;
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE};
        for (Backend b : new Backend[] {cpu, SpiDefault.cpuWithDefault("addInPlace")}) {
            Generator gen = new Generator(7);
            float[] av = Tensor.uniform(gen, -3f, 3f, n).toArray();
            float[] gv = Tensor.uniform(gen, -3f, 3f, n).toArray();
            for (int k = 0; k < specials.length; k++) {
                av[k * 101] = specials[k];
                gv[k * 101] = specials[specials.length - 1 - k];
            }
            // into: a view from element 5 of a larger storage
            float[] padded = new float[n + 5];
            System.arraycopy(av, 0, padded, 5, n);
            Tensor into = Tensor.of(padded, n + 5).slice(0, 5, n + 5);
            Tensor g = Tensor.of(gv, n);
            float[] want = cpu.binary(BinaryOp.ADD, Tensor.of(av, n), g).toArray();
            b.addInPlace(into, g);
            float[] got = into.toArray();
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                    throw new AssertionError(b + ": element " + i + " is " + got[i] + ", binary ADD gives " + want[i]);
                }
            }
            assertArrayEquals(gv, g.toArray(), 0f, "g is left as it was");
        }
    }

    @Test
    void anotherShapeOrAStridedOperandIsNamed() {
        Tensor into = Tensor.zeros(2, 3);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> cpu.addInPlace(into, Tensor.zeros(3, 2)));
        assertTrue(shape.getMessage().contains("addInPlace") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
        IllegalArgumentException strided = assertThrows(IllegalArgumentException.class,
                () -> cpu.addInPlace(into, Tensor.zeros(3, 2).transpose(0, 1)));
        assertTrue(strided.getMessage().contains("addInPlace") && strided.getMessage().contains("contiguous"),
                strided.getMessage());
    }
}
