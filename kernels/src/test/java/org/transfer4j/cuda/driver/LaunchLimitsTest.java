package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.LaunchGeometry;

class LaunchLimitsTest {

    // H100: 1024 threads per block, gridDim.x 2^31-1, 48 KiB (49152 bytes) shared per block by default
    private static final LaunchLimits H100_NO_STATIC_SHARED = LaunchLimits.of(1024, Integer.MAX_VALUE, 49_152, 1024, 0);

    @Test
    void theKernelsRegisterLimitAndStaticSharedMemoryLowerTheDevicesLimits() {
        // a kernel whose registers allow 768 threads and that declares 16 KiB of static shared memory
        LaunchLimits limits = LaunchLimits.of(1024, Integer.MAX_VALUE, 49_152, 768, 16_384);
        assertEquals(new LaunchLimits(768, Integer.MAX_VALUE, 32_768), limits);
    }

    @Test
    void geometryWithinTheLimitsPasses() {
        assertDoesNotThrow(() -> H100_NO_STATIC_SHARED.check("elementwise/relu_f32", LaunchGeometry.forElements(1 << 20), 0));
        assertDoesNotThrow(() -> H100_NO_STATIC_SHARED.check("k", new LaunchGeometry(1, 1024), 49_152));
    }

    @Test
    void blocksAboveTheKernelsLimitAreRejectedNamingTheKernel() {
        LaunchLimits limits = LaunchLimits.of(1024, Integer.MAX_VALUE, 49_152, 512, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> limits.check("conv/depthwise3x3_f32", new LaunchGeometry(10, 1024), 0));
        assertEquals("kernel conv/depthwise3x3_f32 launched with 1024 threads per block, above its limit of 512"
                + " on this device", e.getMessage());
    }

    @Test
    void gridsAndSharedMemoryAboveTheLimitsAreRejected() {
        LaunchLimits smallGrid = new LaunchLimits(1024, 65_535, 49_152);
        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                () -> smallGrid.check("k", new LaunchGeometry(65_536, 256), 0));
        assertEquals("kernel k launched with 65536 blocks, above the device's gridDim.x limit of 65535", grid.getMessage());
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> H100_NO_STATIC_SHARED.check("k", new LaunchGeometry(1, 256), 49_153));
        assertEquals("kernel k launched with 49153 bytes of dynamic shared memory, outside 0..49152 (the device's"
                + " per-block limit less the kernel's static shared memory)", shared.getMessage());
        assertThrows(IllegalArgumentException.class, () -> H100_NO_STATIC_SHARED.check("k", new LaunchGeometry(1, 256), -1));
    }
}
