package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The TensorList32 bytes CudaOptimizers passes to the multi-tensor kernels (layout of optim.cu's struct). */
class TensorListTest {
    @Test
    void tensorListHoldsSizesFirstChunksPointersCountAndChunks() {
        long[] n = {4097, 0, 1};   // chunks of 4096: 2, 0, 1
        long[][] pointers = {{10, 11, 12}, {20, 21, 22}, {30, 0, 32}, {0, 0, 0}, {50, 51, 52}};
        ByteBuffer b = ByteBuffer.wrap(CudaOptimizers.tensorList(n, pointers)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1808, b.capacity());
        assertEquals(4097, b.getLong(0));
        assertEquals(1, b.getLong(2 * 8));
        assertEquals(0, b.getLong(3 * 8));                   // unused entries are 0
        assertEquals(0, b.getLong(32 * 8));                  // firstChunk[0]
        assertEquals(2, b.getLong(33 * 8));                  // firstChunk[1]: after 2 chunks
        assertEquals(2, b.getLong(34 * 8));                  // firstChunk[2]: the empty tensor has none
        assertEquals(11, b.getLong((2 * 32 + 1) * 8));       // p[1]
        assertEquals(22, b.getLong((3 * 32 + 2) * 8));       // g[2]
        assertEquals(0, b.getLong((4 * 32 + 1) * 8));        // s0[1] absent
        assertEquals(52, b.getLong((6 * 32 + 2) * 8));       // s2[2]
        assertEquals(3, b.getLong(7 * 32 * 8));              // count
        assertEquals(3, b.getLong(7 * 32 * 8 + 8));          // chunks
        assertEquals(3, CudaOptimizers.chunks(n));
    }

    @Test
    void tensorListRefusesMoreThan32Tensors() {
        assertThrows(IllegalArgumentException.class, () -> CudaOptimizers.tensorList(new long[33], new long[5][33]));
    }
}
