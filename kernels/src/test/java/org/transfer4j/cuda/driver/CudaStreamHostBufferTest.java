package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The host side of {@link CudaStream}'s copies, without a GPU. A pinned pool lease is a block of its size class
 * (64 KiB, say) whose limit is the bytes asked for (864 for a 3x3x3x8 kernel): the first GPU run failed every
 * upload with "Range [0, 0 + 65536) out of bounds for length 864" because the pointer's slice went to the capacity.
 */
class CudaStreamHostBufferTest {

    private static ByteBuffer leaseLike(int capacity, int limit) {
        return ByteBuffer.allocateDirect(capacity).limit(limit);
    }

    @Test
    void aBufferLimitedBelowItsCapacityGivesAPointer() {
        ByteBuffer lease = leaseLike(65536, 864);
        assertDoesNotThrow(() -> CudaStream.start(lease));
        assertDoesNotThrow(() -> CudaStream.checkHostBuffer(lease, 864));
    }

    @Test
    void theStartIsTheBuffersStartWhateverItsPosition() {
        ByteBuffer lease = leaseLike(64, 32);
        lease.position(16);
        assertDoesNotThrow(() -> CudaStream.start(lease));
        assertTrue(lease.position() == 16, "start() must not move the caller's buffer");
    }

    @Test
    void aCopyBeyondTheLimitOrFromAHeapBufferIsRefused() {
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> CudaStream.checkHostBuffer(leaseLike(65536, 864), 868));
        assertTrue(beyond.getMessage().contains("868") && beyond.getMessage().contains("864"), beyond.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaStream.checkHostBuffer(ByteBuffer.allocate(16), 16));
        assertThrows(IllegalArgumentException.class, () -> CudaStream.checkHostBuffer(leaseLike(16, 16), -1));
    }
}
