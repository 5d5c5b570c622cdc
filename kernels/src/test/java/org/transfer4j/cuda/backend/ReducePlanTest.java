package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReducePlanTest {

    private static ReducePlan plan(ReducePlan.Kind kind, long outer, long n, long cols, int... perm) {
        return new ReducePlan(kind, outer, n, cols, perm);
    }

    @Test
    void innerAxisIsRows() {
        assertEquals(plan(ReducePlan.Kind.ROWS, 6, 4, 1), ReducePlan.of(new int[] {2, 3, 4}, new int[] {2}));
    }

    @Test
    void everyAxisIsOneRow() {
        assertEquals(plan(ReducePlan.Kind.ROWS, 1, 6, 1), ReducePlan.of(new int[] {2, 3}, new int[] {0, 1}));
    }

    @Test
    void biasGradientOverNhwIsColumns() {
        // (N,H,W,C) summed over N,H,W: x (1, 8*5*5, 16)
        assertEquals(plan(ReducePlan.Kind.COLUMNS, 1, 200, 16), ReducePlan.of(new int[] {8, 5, 5, 16}, new int[] {0, 1, 2}));
    }

    @Test
    void globalPoolingOverHwIsColumnsPerImage() {
        assertEquals(plan(ReducePlan.Kind.COLUMNS, 8, 25, 16), ReducePlan.of(new int[] {8, 5, 5, 16}, new int[] {1, 2}));
    }

    @Test
    void interleavedAxesArePermutedIntoRows() {
        // reduce axes 0 and 2 of (2,3,4): kept axis 1 first, then 0 and 2 -> rows 3 of 2*4
        assertEquals(plan(ReducePlan.Kind.PERMUTED_ROWS, 3, 8, 1, 1, 0, 2), ReducePlan.of(new int[] {2, 3, 4}, new int[] {0, 2}));
    }

    @Test
    void sizeOneAxesDoNotCount() {
        assertEquals(plan(ReducePlan.Kind.COPY, 8, 1, 1), ReducePlan.of(new int[] {2, 1, 4}, new int[] {1}));
        // (5,1,3) over axes 0 and 1: the size-1 axis joins nothing, so this is columns (1, 5, 3)
        assertEquals(plan(ReducePlan.Kind.COLUMNS, 1, 5, 3), ReducePlan.of(new int[] {5, 1, 3}, new int[] {0, 1}));
    }

    @Test
    void emptyReductionIsTheIdentityUnlessTheOutputIsEmptyToo() {
        assertEquals(plan(ReducePlan.Kind.IDENTITY, 3, 0, 1), ReducePlan.of(new int[] {0, 3}, new int[] {0}));
        assertEquals(ReducePlan.Kind.COPY, ReducePlan.of(new int[] {3, 0}, new int[] {0}).kind());
    }

    @Test
    void longReductionsAreChunkedWithinTheGridLimit() {
        assertEquals(100, ReducePlan.chunk(100));
        assertEquals(1, ReducePlan.chunks(100));
        assertEquals(8192, ReducePlan.chunk(8193));
        assertEquals(2, ReducePlan.chunks(8193));
        long huge = 65_535L * 8192 + 1;
        assertEquals(8193, ReducePlan.chunk(huge)); // ceil(huge / 65535)
        assertTrue(ReducePlan.chunks(huge) <= 65_535);
        assertEquals(1, ReducePlan.chunk(0));
        assertEquals(1, ReducePlan.chunks(0));
        // columns: 512-row chunks, so that a bias gradient over 64*56*56 rows makes 392 row blocks per 32 columns
        assertEquals(512, ReducePlan.columnChunk(64 * 56 * 56));
        assertEquals(392, ReducePlan.columnChunks(64 * 56 * 56));
        assertEquals(64, ReducePlan.columnChunk(64));
        assertEquals(1, ReducePlan.columnChunks(64));
        assertTrue(ReducePlan.columnChunks(huge) <= 65_535);
    }
}
