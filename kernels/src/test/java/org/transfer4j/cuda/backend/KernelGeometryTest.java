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

    @Test
    void depthwisePixelsRunFourPerThreadUnlessThatLeavesLessThanAWave() {
        // MobileNetV2 at batch 64 on 132 SMs, x (64,112,112,32): 802816 pixels, one channel tile; 8 pixels per
        // block row: 100352 rows, 4 pixels per thread: ceil(100352/4) = 25088 blocks (more than a wave, 1056)
        assertEquals(new LaunchGrid(1, 25_088, 1, 32, 8, 1), KernelGeometry.depthwisePixels(802_816, 32, 132));
        // (64,7,7,960): 3136 pixels, 30 tiles; 392 rows, ceil(392/4) = 98 >= a wave of ceil(1056/30) = 36 blocks
        assertEquals(new LaunchGrid(30, 98, 1, 32, 8, 1), KernelGeometry.depthwisePixels(3136, 960, 132));
        // (1,7,7,960): 49 pixels, 7 rows; 2 blocks at 4 pixels per thread is under a wave: one pixel each, 7 blocks
        assertEquals(new LaunchGrid(30, 7, 1, 32, 8, 1), KernelGeometry.depthwisePixels(49, 960, 132));
        // 37 channels: 2 tiles, the second with 5 working lanes; at most 65535 blocks (gridDim.y), threads then stride
        assertEquals(new LaunchGrid(2, 65_535, 1, 32, 8, 1), KernelGeometry.depthwisePixels(1L << 31, 37, 132));
        assertThrows(IllegalArgumentException.class, () -> KernelGeometry.depthwisePixels(0, 3, 132));
        assertThrows(IllegalArgumentException.class, () -> KernelGeometry.depthwisePixels(10, 3, 0));
    }

    @Test
    void batchNormChannelSumsFillEightBlocksPerSm() {
        // MobileNetV2 at batch 64 on 132 SMs: x (64,112,112,32) is M = 802816 rows in one channel tile: 1056
        // chunks wanted, chunk ceil(802816/1056) = 761 rows, 1055 chunks
        assertEquals(761, KernelGeometry.channelChunk(802_816, 32, 132));
        assertEquals(1055, Math.ceilDiv(802_816, 761));
        // x (64,7,7,1280): M = 3136, 40 tiles: ceil(1056/40) = 27 chunks wanted, chunk ceil(3136/27) = 117
        assertEquals(117, KernelGeometry.channelChunk(3136, 1280, 132));
        // at least 32 rows per chunk: 100 rows in 4 chunks (not 25 of 4 rows); fewer rows than that: one chunk
        assertEquals(32, KernelGeometry.channelChunk(100, 16, 132));
        assertEquals(32, KernelGeometry.channelChunk(2, 37, 132));
        // at most 65535 chunks (gridDim.y), whatever the SM count
        long rows = 1L << 31;
        long chunk = KernelGeometry.channelChunk(rows, 1, 100_000);
        assertEquals(Math.ceilDiv(rows, 65_535), chunk);
        assertEquals(65_535, Math.ceilDiv(rows, chunk));
        assertThrows(IllegalArgumentException.class, () -> KernelGeometry.channelChunk(0, 3, 132));
        assertThrows(IllegalArgumentException.class, () -> KernelGeometry.channelChunk(10, 3, 0));
    }

    @Test
    void batchNormSumsAreTiles32By8AndFinalizeTiles32By32() {
        assertEquals(new LaunchGrid(2, 4, 1, 32, 8, 1), KernelGeometry.channelSums(37, 4));
        assertEquals(new LaunchGrid(40, 1, 1, 32, 32, 1), KernelGeometry.channelFinalize(1280));
        assertEquals(new LaunchGrid(1, 1, 1, 32, 32, 1), KernelGeometry.channelFinalize(3));
        assertEquals(new LaunchGrid(40, 1, 1, 32, 8, 1), KernelGeometry.channelSingle(1280)); // all rows in each block
    }
}
