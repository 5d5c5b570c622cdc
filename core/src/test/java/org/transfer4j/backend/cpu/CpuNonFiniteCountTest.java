package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Tensor;

class CpuNonFiniteCountTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @Test
    void countsNaNAndBothInfinitiesOverAllTensors() {
        Tensor a = Tensor.of(new float[] {Float.NaN, 1f, 2f, Float.POSITIVE_INFINITY, -0f, 3f}, 2, 3);
        Tensor b = Tensor.of(new float[] {Float.NEGATIVE_INFINITY}, 1);
        Tensor c = Tensor.of(new float[] {0.5f, -7f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN}, 5);
        // a: NaN and +Inf; b: -Inf; c: a NaN at its last element (MIN_VALUE and MAX_VALUE are finite)
        assertEquals(2, cpu.nonFiniteCount(List.of(a)));
        assertEquals(1, cpu.nonFiniteCount(List.of(b)));
        assertEquals(1, cpu.nonFiniteCount(List.of(c)));
        assertEquals(4, cpu.nonFiniteCount(List.of(a, b, c)));
        assertEquals(0, cpu.nonFiniteCount(List.of(Tensor.zeros(4, 5), Tensor.ones(7))));
    }

    @Test
    void largeFiniteValuesWhoseSumOverflowsCountNothing() {
        float[] big = new float[64];
        java.util.Arrays.fill(big, 3e38f);
        Tensor t = Tensor.of(big, 8, 8);
        // 64 * 3e38 is past float's range (3.4e38): the sum that used to be the check is infinite
        assertFalse(Float.isFinite(t.sum().item()), "the sum overflows");
        assertEquals(0, cpu.nonFiniteCount(List.of(t, Tensor.full(-3e38f, 3))));
    }

    @Test
    void anEmptyListAndEmptyTensorsCountZero() {
        assertEquals(0, cpu.nonFiniteCount(List.of()));
        assertEquals(0, cpu.nonFiniteCount(List.of(Tensor.zeros(0), Tensor.zeros(3, 0, 2))));
    }

    @Test
    void viewsCountOnlyTheirOwnElements() {
        // (3,4): row r holds 4r .. 4r+3, with NaN at (0,1), +Inf at (2,3) and -Inf at (1,0)
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) {
            v[i] = i;
        }
        v[1] = Float.NaN;
        v[11] = Float.POSITIVE_INFINITY;
        v[4] = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(v, 3, 4);
        assertEquals(3, cpu.nonFiniteCount(List.of(x.transpose(0, 1))), "the transpose sees every element");
        assertEquals(1, cpu.nonFiniteCount(List.of(x.slice(0, 1, 3).slice(1, 0, 3))), "rows 1..2, columns 0..2: -Inf");
        assertEquals(2, cpu.nonFiniteCount(List.of(x.slice(1, 1, 4, 2))), "columns 1 and 3: the NaN and +Inf");
        assertEquals(0, cpu.nonFiniteCount(List.of(x.slice(0, 0, 2).slice(1, 2, 4))), "rows 0..1, columns 2..3");
        assertEquals(3, cpu.nonFiniteCount(List.of(x.slice(0, 0, 1).broadcastTo(3, 4))),
                "row 0 broadcast to 3 rows: its NaN three times");
    }

    @Test
    void downloadAndCountReadsTheTensorsInOrderThenCounts() {
        // reads: a scalar 5, then the transpose of (2,3) [[0,1,2],[3,4,5]], i.e. 0,3,1,4,2,5 row-major; two more
        // floats in dst stay as they were. Checked: a with NaN and +Inf, b with -Inf: 3.
        Tensor scalar = Tensor.of(new float[] {5f}, 1);
        Tensor m = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor a = Tensor.of(new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY}, 3);
        Tensor b = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, 2f}, 2);
        float[] dst = {9, 9, 9, 9, 9, 9, 9, 9, 9};
        assertEquals(3, cpu.downloadAndCountNonFinite(List.of(scalar, m.transpose(0, 1)), dst, List.of(a, b)));
        assertArrayEquals(new float[] {5, 0, 3, 1, 4, 2, 5, 9, 9}, dst);
        assertEquals(0, cpu.downloadAndCountNonFinite(List.of(), dst, List.of()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> cpu.downloadAndCountNonFinite(List.of(m, m), new float[11], List.of()));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("11"),
                e.getMessage());
    }
}
