package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Broadcast6Test {

    @Test
    void biasOverRowsRightAlignsAndZeroStridesTheBroadcastDimension() {
        // a (2,3) row-major: strides (3,1); b (3): broadcast along rows, stride 0 there, 1 along columns
        Broadcast6 s = Broadcast6.of(new long[] {2, 3}, new long[] {3});
        assertArrayEquals(new long[] {1, 1, 1, 1, 2, 3}, s.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 3, 1}, s.aStride());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, s.bStride());
        assertEquals(6, s.elementCount());
    }

    @Test
    void bothInputsCanBroadcast() {
        // (4,1) with (1,5) -> (4,5): a steps per row (stride 1 on dim -2), b per column (stride 1 on dim -1)
        Broadcast6 s = Broadcast6.of(new long[] {4, 1}, new long[] {1, 5});
        assertArrayEquals(new long[] {1, 1, 1, 1, 4, 5}, s.shape());
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 0}, s.aStride());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, s.bStride());
        // NHWC (2,3,4,5) with per-channel (5): a's strides are 60,20,5,1
        Broadcast6 nhwc = Broadcast6.of(new long[] {2, 3, 4, 5}, new long[] {5});
        assertArrayEquals(new long[] {0, 0, 60, 20, 5, 1}, nhwc.aStride());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, nhwc.bStride());
        // scalars (rank 0) broadcast to anything
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 7}, Broadcast6.of(new long[] {}, new long[] {7}).shape());
    }

    @Test
    void structBytesAreShapeThenStridesAsLittleEndianLongs() {
        Broadcast6 s = Broadcast6.of(new long[] {2, 3}, new long[] {3});
        byte[] bytes = s.toBytes();
        assertEquals(144, bytes.length);
        assertEquals(144, Broadcast6.BYTES);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // offsetof(shape[4]) = 32, offsetof(aStride[4]) = 48 + 32 = 80, offsetof(bStride[5]) = 96 + 40 = 136
        assertEquals(2, b.getLong(32));
        assertEquals(3, b.getLong(40));
        assertEquals(3, b.getLong(80));
        assertEquals(1, b.getLong(136));
        assertEquals(3, bytes[40]);   // little-endian: the low byte first
    }

    @Test
    void incompatibleShapesAndHighRanksAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast6.of(new long[] {2, 3}, new long[] {4}));
        assertEquals("shapes [2, 3] and [4] do not broadcast: dimension -1 is 3 vs 4", e.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> Broadcast6.of(new long[] {1, 1, 1, 1, 1, 1, 2}, new long[] {2}));
        assertTrue(rank.getMessage().contains("rank 7"), rank.getMessage());
    }
}
