package org.transfer4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.ReduceLayout.Kind;

class ReduceLayoutTest {

    @Test
    void innerAxesMergeIntoRows() {
        // (2,3,4,5) over {2,3}: kept 2*3 = 6 rows of 4*5 = 20
        assertEquals(new ReduceLayout(Kind.ROWS, 6, 20, 1), ReduceLayout.of(new int[] {2, 3, 4, 5}, new int[] {2, 3}));
    }

    @Test
    void globalPoolingOverHwIsColumnsPerImage() {
        // NHWC (8,5,5,16) over H,W: 8 blocks of (25 rows, 16 columns)
        assertEquals(new ReduceLayout(Kind.COLUMNS, 8, 25, 16), ReduceLayout.of(new int[] {8, 5, 5, 16}, new int[] {1, 2}));
    }

    @Test
    void sizeOneAxesAreDropped() {
        // (2,1,4) over the size-1 axis: nothing is reduced, y is x (8 elements)
        assertEquals(new ReduceLayout(Kind.COPY, 8, 1, 1), ReduceLayout.of(new int[] {2, 1, 4}, new int[] {1}));
        // (5,1,3) over {0,1}: reduced 5, (dropped 1), kept 3 -> one block of (5 rows, 3 columns)
        assertEquals(new ReduceLayout(Kind.COLUMNS, 1, 5, 3), ReduceLayout.of(new int[] {5, 1, 3}, new int[] {0, 1}));
    }

    @Test
    void interleavedAxesAreGeneral() {
        // (2,3,4) over {0,2}: reduced, kept, reduced -> kept product 3, reduced product 2*4 = 8
        assertEquals(new ReduceLayout(Kind.GENERAL, 3, 8, 1), ReduceLayout.of(new int[] {2, 3, 4}, new int[] {0, 2}));
    }
}
