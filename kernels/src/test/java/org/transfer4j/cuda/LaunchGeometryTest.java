package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaunchGeometryTest {

    @Test
    void smallCountsGetOneBlockPerBlockSizeOfElements() {
        // ceil(1000 / 256) = 4 blocks (1024 threads >= 1000 elements, 768 < 1000)
        assertEquals(new LaunchGeometry(4, 256), LaunchGeometry.forElements(1000));
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.forElements(256));
        assertEquals(new LaunchGeometry(2, 256), LaunchGeometry.forElements(257));
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.forElements(1));
    }

    @Test
    void zeroElementsStillGiveAValidOneBlockGrid() {
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.forElements(0));
    }

    @Test
    void largeCountsAreCappedAndThreadsLoop() {
        // MobileNetV2's largest activation at batch 64: 64*112*112*96 = 77,070,336 elements;
        // ceil(77070336 / 256) = 301,056 blocks > the cap 65,536, so each thread loops
        // ceil(77070336 / (65536*256)) = ceil(4.59) = 5 times at most.
        long n = 64L * 112 * 112 * 96;
        LaunchGeometry g = LaunchGeometry.forElements(n);
        assertEquals(new LaunchGeometry(LaunchGeometry.DEFAULT_GRID_CAP, 256), g);
        assertEquals(65_536L * 256, g.threads());
        assertEquals(5, g.elementsPerThread(n));
    }

    @Test
    void explicitBlockAndCapAreHonoured() {
        // ceil(10000 / 128) = 79 blocks, under the cap 100
        assertEquals(new LaunchGeometry(79, 128), LaunchGeometry.forElements(10_000, 128, 100));
        assertEquals(new LaunchGeometry(10, 128), LaunchGeometry.forElements(10_000, 128, 10));
        // above 2^31 elements with block 1024: ceil(2^40 / 1024) = 2^30 blocks, below the grid limit
        assertEquals(new LaunchGeometry(1 << 30, 1024), LaunchGeometry.forElements(1L << 40, 1024, Integer.MAX_VALUE));
    }

    @Test
    void blockSizesOutsideCudaLimitsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchGeometry.forElements(100, 2048, 10));
        assertTrue(e.getMessage().contains("1..1024") && e.getMessage().contains("2048"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.forElements(100, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 1025));
        assertEquals(1024, new LaunchGeometry(1, 1024).blockX());
    }

    @Test
    void invalidCountsGridsAndCapsAreRejected() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> LaunchGeometry.forElements(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.forElements(10, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(0, 256));
    }

    @Test
    void oneThreadPerElementRejectsGridsAboveTheCudaLimit() {
        // 2^31 - 1 blocks of 1 thread is the largest legal grid; one more element needs 2^31 blocks
        assertEquals(new LaunchGeometry(Integer.MAX_VALUE, 1), LaunchGeometry.oneThreadPerElement(Integer.MAX_VALUE, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchGeometry.oneThreadPerElement(1L << 31, 1));
        assertTrue(e.getMessage().contains("2147483648 blocks") && e.getMessage().contains("2147483647"), e.getMessage());
        // ceil(1000 / 256) = 4
        assertEquals(new LaunchGeometry(4, 256), LaunchGeometry.oneThreadPerElement(1000, 256));
    }
}
