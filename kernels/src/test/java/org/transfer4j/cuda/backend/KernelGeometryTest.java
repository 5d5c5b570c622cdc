package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.LaunchGrid;

class KernelGeometryTest {

    @Test
    void elementwiseIsBlock256CoveringN() {
        assertEquals(new LaunchGrid(4, 1, 1, 256, 1, 1), KernelGeometry.elementwise(1000));
        assertEquals(new LaunchGrid(65_536, 1, 1, 256, 1, 1), KernelGeometry.elementwise(1L << 30)); // capped grid
    }

    @Test
    void shortRowsGetOneWarpLongRowsEightWarps() {
        assertEquals(new LaunchGrid(10, 1, 1, 32, 1, 1), KernelGeometry.reduceRows(10, 1, 10));
        assertEquals(new LaunchGrid(10, 1, 1, 96, 1, 1), KernelGeometry.reduceRows(10, 1, 70));
        assertEquals(new LaunchGrid(3, 5, 1, 256, 1, 1), KernelGeometry.reduceRows(3, 5, 8192));
    }

    @Test
    void columnsUseTilesOf32By8AndCapTheOuterAxis() {
        assertEquals(new LaunchGrid(4, 3, 65_535, 32, 8, 1), KernelGeometry.reduceCols(70_000, 100, 3));
        assertEquals(new LaunchGrid(1, 1, 1, 32, 8, 1), KernelGeometry.reduceCols(1, 16, 1));
    }

    @Test
    void transposeTilesBothAxes() {
        // HWIO (3*3*512, 64) -> KRSC: ceil(64/32) = 2 column tiles, ceil(4608/32) = 144 row tiles
        assertEquals(new LaunchGrid(2, 144, 1, 32, 8, 1), KernelGeometry.transpose(1, 4608, 64));
        assertThrows(IllegalArgumentException.class, () -> KernelGeometry.transpose(1, 65_535L * 32 + 1, 1));
    }

    @Test
    void softmaxRunsFourRowsPerBlockOf128() {
        assertEquals(new LaunchGrid(3, 1, 1, 128, 1, 1), KernelGeometry.softmaxRows(10));
    }

    @Test
    void depthwiseFilterGradientTilesChannelsAndChunks() {
        assertEquals(new LaunchGrid(3, 7, 1, 32, 8, 1), KernelGeometry.depthwiseFilter(96, 7));
    }
}
