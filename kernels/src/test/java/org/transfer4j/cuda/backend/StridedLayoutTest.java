package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class StridedLayoutTest {

    @Test
    void contiguousViewsBecomeOneAxis() {
        List<StridedLayout.Piece> pieces = StridedLayout.pieces(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1});
        assertEquals(1, pieces.size());
        StridedLayout.Piece p = pieces.get(0);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 24}, p.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, p.strides()[0]);
        assertArrayEquals(new long[] {0, 0}, p.offsets());
        assertEquals(24, p.count());
    }

    @Test
    void transposedSourceKeepsBothAxes() {
        // x = a (4,3) transposed: shape (3,4), strides (1,3); y contiguous (3,4): strides (4,1)
        StridedLayout.Piece p = StridedLayout.pieces(new int[] {3, 4}, new int[] {1, 3}, new int[] {4, 1}).get(0);
        assertArrayEquals(new long[] {1, 1, 1, 1, 3, 4}, p.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 3}, p.strides()[0]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 4, 1}, p.strides()[1]);
    }

    @Test
    void broadcastBiasMergesTheAxesItBroadcastsOver() {
        // a (2,3,4) contiguous, b = bias (4) broadcast to (2,3,4): strides (0,0,1), y contiguous
        StridedLayout.Piece p = StridedLayout.pieces(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {0, 0, 1},
                new int[] {12, 4, 1}).get(0);
        // axes 0 and 1 merge for every view (12 = 4*3, 0 = 0*3, 12 = 4*3); axis 2 cannot join them for b (0 != 1*4)
        assertArrayEquals(new long[] {1, 1, 1, 1, 6, 4}, p.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 4, 1}, p.strides()[0]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, p.strides()[1]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 4, 1}, p.strides()[2]);
    }

    @Test
    void sizeOneAxesAreDropped() {
        StridedLayout.Piece p = StridedLayout.pieces(new int[] {1, 5, 1}, new int[] {99, 2, 7}).get(0);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 5}, p.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 2}, p.strides()[0]);
    }

    @Test
    void moreThanSixAxesAreSplitIntoPiecesOverTheLeadingOnes() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2};
        int[] reversed = {1, 2, 4, 8, 16, 32, 64, 128};    // x: a full reversal of the axes, nothing merges
        int[] contiguous = {128, 64, 32, 16, 8, 4, 2, 1};
        List<StridedLayout.Piece> pieces = StridedLayout.pieces(shape, reversed, contiguous);
        assertEquals(4, pieces.size()); // two leading axes walked on the host
        // piece k = (i0, i1) in row-major order: x offset i0*1 + i1*2, y offset i0*128 + i1*64
        assertArrayEquals(new long[] {0, 0}, pieces.get(0).offsets());
        assertArrayEquals(new long[] {2, 64}, pieces.get(1).offsets());
        assertArrayEquals(new long[] {1, 128}, pieces.get(2).offsets());
        assertArrayEquals(new long[] {3, 192}, pieces.get(3).offsets());
        assertArrayEquals(new long[] {2, 2, 2, 2, 2, 2}, pieces.get(3).shape());
        assertArrayEquals(new long[] {4, 8, 16, 32, 64, 128}, pieces.get(3).strides()[0]);
        assertEquals(64, pieces.get(3).count());
    }

    @Test
    void structIsShapeThenTheTwoStrideArraysLittleEndian() {
        StridedLayout.Piece p = StridedLayout.pieces(new int[] {3, 4}, new int[] {1, 3}, new int[] {4, 1}).get(0);
        ByteBuffer b = ByteBuffer.wrap(p.struct(0, 1)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(144, b.capacity());
        assertEquals(3, b.getLong(4 * 8));      // shape[4]
        assertEquals(4, b.getLong(5 * 8));      // shape[5]
        assertEquals(3, b.getLong(6 * 8 + 5 * 8)); // xStride[5]
        assertEquals(4, b.getLong(12 * 8 + 4 * 8)); // yStride[4]
    }
}
